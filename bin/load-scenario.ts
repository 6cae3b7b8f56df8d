/**
 * The CLI's way to load a scenario: scenarios/load.ts, plus its warnings (fields accepted
 * but without effect) on stderr as `relsim: warning: …`. A warning never changes the exit
 * code, and stderr keeps stdout clean for `--json -`.
 */
import { loadScenario, type LoadOptions } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/types.ts';

/**
 * Command-line settings every loaded scenario gets (`--memory-budget`), set once by cli.ts
 * before the command runs: one process runs one command, so one setting serves them all.
 */
const loading: LoadOptions = {};

export function setLoadOptions(opts: LoadOptions): void {
  Object.assign(loading, opts);
}

export function loadScenarioWithWarnings(file: string): Scenario {
  const scenario = loadScenario(file, loading);
  for (const w of scenario.warnings ?? []) process.stderr.write(`relsim: warning: ${w}\n`);
  return scenario;
}
