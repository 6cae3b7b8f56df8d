/**
 * Scenario files (YAML or JSON) → the typed Scenario of types.ts, every default filled in,
 * or one ScenarioError line naming the file, the field path and what was expected.
 * Accepted-but-noteworthy fields (one that the model ignores) land in `scenario.warnings`,
 * one line each in the same format, for the CLI to print.
 * The format is documented in docs/scenario-format.md; relsim.schema.json describes the
 * same format for editors.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import YAML, { LineCounter } from 'yaml';
import type { RegistrySpec, Scenario, StrategyName } from './types.ts';
import { UserError } from './user-error.ts';
import { ScenarioError } from './scenario-error.ts';
import { Reader, join, quoteKey, type Raw } from './reader.ts';
import { required } from './read-distribution.ts';
import { readServices } from './read-services.ts';
import { EMPTY_OVERRIDE, readClient, resolveClient } from './read-client.ts';
import { readRegistry } from './read-registry.ts';
import { readTraffic } from './read-traffic.ts';
import { readRelease, readSlo } from './read-release.ts';
import { checkScenario } from './check.ts';
import { warnNoEffect } from './no-effect.ts';
import { DEFAULT_MEMORY_BUDGET, checkFileSize, checkMemoryBudget, parseBytesSize } from './memory-budget.ts';
import { DEFAULT_LANE_PERCENT, defaultStrategy } from './defaults.ts';

export { ScenarioError } from './scenario-error.ts';
export { defaultStrategy } from './defaults.ts';

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** What the command line may set for every scenario it loads. */
export interface LoadOptions {
  /** Bytes; overrides the file's `limits.memory` (`--memory-budget`). */
  memoryBudget?: number;
}

export function loadScenario(path: string, opts: LoadOptions = {}): Scenario {
  const ext = extname(path).toLowerCase();
  if (!SCENARIO_EXTENSIONS.includes(ext)) {
    throw new ScenarioError(path, '', `expected a .yaml, .yml or .json file, got ${ext ? `"${ext}"` : 'no extension'}`);
  }
  let text: string;
  try {
    // The size is checked before the file is read into a string, let alone parsed.
    checkFileSize(path, statSync(path).size, ext === '.json', opts.memoryBudget);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(path, '', code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a scenario file' : `cannot read: ${(e as Error).message}`);
  }
  return parseScenario(text, path, opts);
}

/** `file` names the source in errors and in Scenario.file; its extension picks JSON or YAML. */
export function parseScenario(text: string, file: string, opts: LoadOptions = {}): Scenario {
  const json = extname(file).toLowerCase() === '.json';
  const bytes = Buffer.byteLength(text);
  checkFileSize(file, bytes, json, opts.memoryBudget);
  const raw = json ? parseJson(text, file) : parseYaml(text, file);
  const r = new Reader(file);
  const scenario = readScenario(r, raw, file, opts);
  checkMemoryBudget(r, scenario, bytes, json);
  return scenario;
}

/**
 * The `--strategy S` override: the same scenario with its release strategy replaced by
 * S's defaults — or kept as it is when it already is S, so its knobs survive.
 */
export function withStrategy(scenario: Scenario, name: StrategyName): Scenario {
  const where = scenario.file || scenario.name;
  if (!scenario.release) {
    // Worded for `run --strategy` and `compare` alike: compare names strategies the user never typed.
    throw new UserError(`${where}: has no release block, so there is no rollout to run as ${name}; add release: {services, to, strategy} to say which services to release to what version`, 2);
  }
  if (scenario.release.strategy.name === name) return scenario;
  const strategy = defaultStrategy(name);
  if (strategy.name === 'ab') {
    const header = scenario.traffic.headers[0];
    // A/B tests are usually routed by a header; reuse one the traffic already carries.
    if (header) strategy.match = { header: { name: header.name, value: header.value } };
  }
  if (strategy.name === 'lanes') {
    const header = scenario.traffic.headers[0];
    strategy.lanes = [{
      name: 'gray', tag: 'gray',
      match: header ? { header: { name: header.name, value: header.value } } : { percent: DEFAULT_LANE_PERCENT },
      services: Object.assign(Object.create(null) as Record<string, string>, scenario.release.to),
      replicas: 1,
    }];
    if (Object.keys(strategy.lanes[0].services).length === 0) {
      throw new UserError(`${where}: --strategy lanes needs lanes: the release names no service and version to put in a lane`, 2);
    }
  }
  return { ...scenario, release: { ...scenario.release, strategy } };
}

const TOP_FIELDS = ['$schema', 'name', 'description', 'seed', 'duration', 'bucket', 'limits', 'services', 'entry', 'registry', 'registries', 'traffic', 'release', 'slo'];

function readScenario(r: Reader, raw: Raw, file: string, opts: LoadOptions): Scenario {
  if (raw === null || raw === undefined) r.fail('', 'the file is empty; expected a scenario (services, traffic, duration…)');
  const f = r.fields(raw, '', TOP_FIELDS, 'a map of scenario fields (services, traffic, duration…) at the top level');
  const { services, calleeClients, callOverrides } = readServices(r, required(r, f.services, 'services'), 'services');

  let entryPath = 'entry';
  let entryService = services[0].name;
  let entryOverride = EMPTY_OVERRIDE;
  let entryRegistry: string | null = null;
  if (typeof f.entry === 'string' || typeof f.entry === 'number') {
    entryService = r.name(f.entry, 'entry', 'a service name');
  } else if (f.entry !== undefined) {
    const e = r.fields(f.entry, 'entry', ['service', 'client', 'registry'], 'a service name or {service, client, registry}');
    if (e.service !== undefined) { entryService = r.name(e.service, 'entry.service', 'a service name'); entryPath = 'entry.service'; }
    if (e.registry !== undefined) entryRegistry = r.name(e.registry, 'entry.registry', 'the name of one of registries');
    entryOverride = readClient(r, e.client, 'entry.client');
  }

  const limits = f.limits === undefined ? {} : r.fields(f.limits, 'limits', ['maxEvents', 'memory']);
  const scenario: Scenario = {
    name: f.name === undefined ? basename(file).replace(/\.(ya?ml|json)$/i, '') : r.string(f.name, 'name'),
    file,
    description: f.description === undefined ? '' : r.text(f.description, 'description'),
    seed: f.seed === undefined ? 1 : r.integer(f.seed, 'seed', 0),
    duration: r.duration(required(r, f.duration, 'duration'), 'duration', { positive: true }),
    bucketMs: f.bucket === undefined ? 1000 : r.duration(f.bucket, 'bucket', { positive: true }),
    services,
    entry: { service: entryService, client: resolveClient(calleeClients.get(entryService) ?? EMPTY_OVERRIDE, entryOverride), registry: entryRegistry },
    registry: readRegistry(r, f.registry, 'registry'),
    registries: f.registries === undefined ? Object.create(null) as Record<string, RegistrySpec> : r.nameKeyed(f.registries, 'registries', 'a map of registry name → {push: …} or {poll: …}', 'a registry name', (v, at) => readRegistry(r, v, at)),
    traffic: readTraffic(r, f.traffic, 'traffic'),
    release: readRelease(r, f.release, 'release', services),
    slo: readSlo(r, f.slo, 'slo'),
    limits: {
      maxEvents: limits.maxEvents === undefined ? 100_000_000 : r.integer(limits.maxEvents, join('limits', 'maxEvents'), 1),
      memory: opts.memoryBudget ?? (limits.memory === undefined ? DEFAULT_MEMORY_BUDGET : readBytes(r, limits.memory, join('limits', 'memory'))),
    },
    warnings: r.warnings,
  };
  checkScenario(r, scenario, entryPath);
  checkRegistryNames(r, scenario);
  warnNoEffect(r, scenario, { raw: f, calleeClients, callOverrides, entryOverride });
  return scenario;
}

function readBytes(r: Reader, v: Raw, path: string): number {
  const n = typeof v === 'string' || typeof v === 'number' ? parseBytesSize(v) : null;
  if (n === null) r.expected(path, 'a size like 512MB or 4GB', v);
  return n;
}

function parseYaml(text: string, file: string): Raw {
  const lines = new LineCounter();
  // `merge` lets people share blocks with YAML anchors (`<<: *defaults`). yaml's own
  // duplicate-key check compares every key with every earlier one (50,000 keys took 32 s);
  // rejectDuplicateKeys does the same job in linear time.
  const doc = YAML.parseDocument(text, { merge: true, prettyErrors: true, uniqueKeys: false, lineCounter: lines });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : 'malformed YAML';
    throw new ScenarioError(file, where, yamlReason(err.message));
  }
  rejectDuplicateKeys(doc, lines, file);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (e) {
    // Resolution errors surface only here: alias bombs, undefined aliases (`*nope`),
    // merge keys that do not name a map (`<<: 5`).
    throw new ScenarioError(file, 'malformed YAML', yamlReason((e as Error).message));
  }
}

/**
 * Aliases may expand to at most this many nodes in all (yaml's guard against "billion
 * laughs" files); a real scenario uses a handful.
 */
const MAX_ALIAS_EXPANSION = 10_000;

function rejectDuplicateKeys(doc: YAML.Document.Parsed, lines: LineCounter, file: string): void {
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        const at = (): string => {
          const pos = YAML.isNode(key) && key.range ? lines.linePos(key.range[0]) : null;
          return pos ? `line ${pos.line}, column ${pos.col}` : 'malformed YAML';
        };
        // A map or list as a key (`? {a: 1}`) has no name a scenario could mean; yaml would
        // stringify it with a warning of its own on stderr.
        if (YAML.isCollection(key)) throw new ScenarioError(file, at(), 'expected a plain key (a name), got a map or list used as a key');
        // Merge keys (`<<`, a symbol once parsed) may repeat: each merges one more map.
        if (YAML.isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<')) continue;
        const name = YAML.isScalar(key) ? String(key.value) : String(key);
        if (seen.has(name)) throw new ScenarioError(file, at(), `map keys must be unique; ${quoteKey(name)} appears twice`);
        seen.add(name);
      }
    },
  });
}

/** yaml's messages end with "at line L, column C" and a code frame; the position is given separately. */
function yamlReason(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

function parseJson(text: string, file: string): Raw {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      const col = Number(m[1]) - before.lastIndexOf('\n');
      throw new ScenarioError(file, `line ${line}, column ${col}`, msg.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, ''));
    }
    throw new ScenarioError(file, 'malformed JSON', msg);
  }
}

/** Every registry a service or the entry names exists; a named one that no caller reads is said to have no effect. */
function checkRegistryNames(r: Reader, s: Scenario): void {
  const names = Object.keys(s.registries);
  const known = (name: string | null, at: string) => {
    if (name !== null && !Object.hasOwn(s.registries, name)) {
      r.fail(at, names.length === 0
        ? `no registries are named; add registries: {${name}: {push: …} or {poll: …}} (the top-level registry is for every caller that names none)`
        : `unknown registry ${JSON.stringify(name)} (registries: ${names.join(', ')})`);
    }
  };
  known(s.entry.registry, 'entry.registry');
  for (const svc of s.services) known(svc.registry, join(join('services', svc.name), 'registry'));
  const read = new Set([s.entry.registry, ...s.services.filter((svc) => svc.calls.length > 0).map((svc) => svc.registry)]);
  for (const name of names) {
    if (!read.has(name)) r.warn(join('registries', name), 'has no effect: no caller reads it (set registry: ' + name + ' on the entry or on a service that calls others)');
  }
}
