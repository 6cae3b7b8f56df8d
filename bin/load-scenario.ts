/**
 * The CLI's way to load a scenario: scenarios/load.ts, plus its warnings (fields accepted
 * but without effect) on stderr as `relsim: warning: …`. A warning never changes the exit
 * code, and stderr keeps stdout clean for `--json -`.
 */
import { readFileSync } from 'node:fs';
import { loadScenario, parseScenario, type LoadOptions } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/types.ts';
import { UserError } from '../scenarios/user-error.ts';
import { importManifests } from '../scenarios/manifests/import.ts';

/**
 * Command-line settings every loaded scenario gets (`--memory-budget`), set once by cli.ts
 * before the command runs: one process runs one command, so one setting serves them all.
 */
const loading: LoadOptions = {};

export function setLoadOptions(opts: LoadOptions): void {
  Object.assign(loading, opts);
}

/** The settings above, for commands that load scenarios their own way (sweep's points). */
export function loadOptions(): LoadOptions {
  return { ...loading };
}

export function loadScenarioWithWarnings(file: string): Scenario {
  const scenario = loadScenario(file, loading);
  for (const w of scenario.warnings ?? []) process.stderr.write(`relsim: warning: ${w}\n`);
  return scenario;
}

/** What a lone `-` on the command line becomes (bin/cli.ts): stdin. */
export const STDIN_PATH = '/dev/stdin';

/** Manifests given with `--model`: the files (or `-` for stdin) form one manifest set. */
export interface ManifestInput {
  model: string;
  strict?: boolean;
}

/**
 * `run`/`compare`/`gate` with `--model`: the positional files are Kubernetes manifests, turned
 * into a scenario exactly as `relsim import` writes it (then read like a scenario file), so
 * the direct path and import-then-run agree byte for byte. Import warnings and the
 * scenario's own go to stderr.
 */
export function loadManifestScenario(files: string[], input: ManifestInput): Scenario {
  const { yaml, label } = importToYaml(files, input);
  const scenario = parseScenario(yaml, label, loading);
  for (const w of scenario.warnings ?? []) process.stderr.write(`relsim: warning: ${w}\n`);
  return scenario;
}

/** The imported scenario's text and the name its errors carry (the model file, read as YAML). */
export function importToYaml(files: string[], input: ManifestInput): { yaml: string; label: string } {
  if (files.length === 0) throw new UserError('name the manifest files (or - for stdin) before --model', 2);
  if (files.filter(isStdin).length > 1) throw new UserError("stdin ('-') can be named once", 2);
  const manifests = files.map((file) => ({ file: isStdin(file) ? '<stdin>' : file, text: readInput(file, 'manifests') }));
  const model = { file: input.model, text: readInput(input.model, '--model') };
  const result = importManifests({ manifests, model, strict: input.strict });
  for (const w of result.warnings) process.stderr.write(`relsim: warning: ${w}\n`);
  const label = /\.ya?ml$/i.test(input.model) ? input.model : `${input.model}.yaml`;
  return { yaml: result.yaml, label };
}

function isStdin(file: string): boolean {
  return file === '-' || file === STDIN_PATH;
}

function readInput(file: string, what: string): string {
  if (isStdin(file)) {
    if (process.stdin.isTTY) throw new UserError(`${what}: '-' reads stdin, but stdin is a terminal; pipe the manifests in (helm template … | relsim …)`, 2);
    return readFileSync(0, 'utf8');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, 2);
  }
}

/** `--model` and `--strict`, as run, compare and gate take them. */
export const MANIFEST_OPTIONS = {
  model: { type: 'string', requiresArg: true, describe: 'read the positional files as Kubernetes manifests (- = stdin) and this partial scenario for the rest (see relsim import)' },
  strict: { type: 'boolean', default: false, describe: 'with --model: a manifest field relsim cannot model is an error, not a warning' },
} as const;

/** The scenario a command runs: the file itself, or with --model the manifests it names. */
export function loadScenarioOrManifests(files: string[], args: { model?: string; strict?: boolean }): Scenario[] {
  if (args.model !== undefined) return [loadManifestScenario(files, { model: args.model, strict: args.strict })];
  if (args.strict) throw new UserError('--strict: only with --model (it is about manifest fields)', 2);
  return files.map((f) => loadScenarioWithWarnings(f));
}
