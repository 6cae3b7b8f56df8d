/**
 * Scenario files (YAML or JSON) → the typed Scenario of types.ts, every default filled in,
 * or one ScenarioError line naming the file, the field path and what was expected.
 * Accepted-but-noteworthy fields (one that the model ignores) land in `scenario.warnings`,
 * one line each in the same format, for the CLI to print.
 * The format is documented in docs/scenario-format.md; relsim.schema.json describes the
 * same format for editors.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import YAML from 'yaml';
import type { Scenario, StrategyName } from './types.ts';
import { UserError } from '../bin/user-error.ts';
import { ScenarioError } from './scenario-error.ts';
import { Reader, join, type Raw } from './reader.ts';
import { required } from './read-distribution.ts';
import { readServices } from './read-services.ts';
import { EMPTY_OVERRIDE, readClient, resolveClient } from './read-client.ts';
import { readRegistry } from './read-registry.ts';
import { readTraffic } from './read-traffic.ts';
import { readRelease, readSlo } from './read-release.ts';
import { checkScenario } from './check.ts';
import { DEFAULT_LANE_PERCENT, defaultStrategy } from './defaults.ts';

export { ScenarioError } from './scenario-error.ts';
export { defaultStrategy } from './defaults.ts';

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];

export function loadScenario(path: string): Scenario {
  const ext = extname(path).toLowerCase();
  if (!SCENARIO_EXTENSIONS.includes(ext)) {
    throw new ScenarioError(path, '', `expected a .yaml, .yml or .json file, got ${ext ? `"${ext}"` : 'no extension'}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError(path, '', code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a scenario file' : `cannot read: ${(e as Error).message}`);
  }
  return parseScenario(text, path);
}

/** `file` names the source in errors and in Scenario.file; its extension picks JSON or YAML. */
export function parseScenario(text: string, file: string): Scenario {
  const raw = extname(file).toLowerCase() === '.json' ? parseJson(text, file) : parseYaml(text, file);
  return readScenario(new Reader(file), raw, file);
}

/**
 * The `--strategy S` override: the same scenario with its release strategy replaced by
 * S's defaults — or kept as it is when it already is S, so its knobs survive.
 */
export function withStrategy(scenario: Scenario, name: StrategyName): Scenario {
  const where = scenario.file || scenario.name;
  if (!scenario.release) {
    throw new UserError(`${where}: --strategy ${name} needs a release block in the scenario (which services to release, to what version); it has none`, 2);
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
      services: { ...scenario.release.to },
      replicas: 1,
    }];
    if (Object.keys(strategy.lanes[0].services).length === 0) {
      throw new UserError(`${where}: --strategy lanes needs lanes: the release names no service and version to put in a lane`, 2);
    }
  }
  return { ...scenario, release: { ...scenario.release, strategy } };
}

const TOP_FIELDS = ['$schema', 'name', 'description', 'seed', 'duration', 'bucket', 'limits', 'services', 'entry', 'registry', 'traffic', 'release', 'slo'];

function readScenario(r: Reader, raw: Raw, file: string): Scenario {
  if (raw === null || raw === undefined) r.fail('', 'the file is empty; expected a scenario (services, traffic, duration…)');
  const f = r.fields(raw, '', TOP_FIELDS, 'a map of scenario fields (services, traffic, duration…) at the top level');
  const { services, calleeClients } = readServices(r, required(r, f.services, 'services'), 'services');

  let entryPath = 'entry';
  let entryService = services[0].name;
  let entryOverride = EMPTY_OVERRIDE;
  if (typeof f.entry === 'string' || typeof f.entry === 'number') {
    entryService = r.name(f.entry, 'entry', 'a service name');
  } else if (f.entry !== undefined) {
    const e = r.fields(f.entry, 'entry', ['service', 'client'], 'a service name or {service, client}');
    if (e.service !== undefined) { entryService = r.name(e.service, 'entry.service', 'a service name'); entryPath = 'entry.service'; }
    entryOverride = readClient(r, e.client, 'entry.client');
  }

  const limits = f.limits === undefined ? {} : r.fields(f.limits, 'limits', ['maxEvents']);
  const scenario: Scenario = {
    name: f.name === undefined ? basename(file).replace(/\.(ya?ml|json)$/i, '') : r.string(f.name, 'name'),
    file,
    description: f.description === undefined ? '' : r.text(f.description, 'description'),
    seed: f.seed === undefined ? 1 : r.integer(f.seed, 'seed', 0),
    duration: r.duration(required(r, f.duration, 'duration'), 'duration', { positive: true }),
    bucketMs: f.bucket === undefined ? 1000 : r.duration(f.bucket, 'bucket', { positive: true }),
    services,
    entry: { service: entryService, client: resolveClient(calleeClients.get(entryService) ?? EMPTY_OVERRIDE, entryOverride) },
    registry: readRegistry(r, f.registry, 'registry'),
    traffic: readTraffic(r, f.traffic, 'traffic'),
    release: readRelease(r, f.release, 'release', services),
    slo: readSlo(r, f.slo, 'slo'),
    limits: { maxEvents: limits.maxEvents === undefined ? 100_000_000 : r.integer(limits.maxEvents, join('limits', 'maxEvents'), 1) },
    warnings: r.warnings,
  };
  checkScenario(r, scenario, entryPath);
  return scenario;
}

function parseYaml(text: string, file: string): Raw {
  // `merge` lets people share blocks with YAML anchors (`<<: *defaults`).
  const doc = YAML.parseDocument(text, { merge: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}` : 'malformed YAML';
    throw new ScenarioError(file, where, yamlReason(err.message));
  }
  return doc.toJS({ maxAliasCount: 10_000 });
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
