/**
 * The folder rules, checked rather than promised (docs/architecture.md states them):
 *
 * - strategies/ imports only strategies/ and the scenario types (types.ts, and dict.ts,
 *   the prototype-safe maps they are read with), no Node module and no package, and its
 *   source never touches a clock, a timer or Math.random: a plan cannot read time or a
 *   socket, so both platforms can drive it.
 * - sim/ never imports replay/, reports/ or bin/, and of strategies/ only the plan
 *   protocol (protocol.ts, protocol-types.ts) and the registry of plans (index.ts).
 * - sim/kernel/ and sim/balancers/ are leaves: they import nothing outside sim/kernel/ and
 *   sim/balancers/, so the scenario format can use their types (DistSpec, the balancer
 *   names) without a cycle.
 * - No cycle between folders (sim/kernel and sim/balancers counted as their own).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const SOURCE_FOLDERS = ['sim', 'strategies', 'scenarios', 'replay', 'reports', 'bench', 'bin'];

interface Edge { from: string; to: string; spec: string }

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]|new URL\(\s*['"](\.[^'"]+\.(?:ts|mjs|js))['"]/gm;

const files = SOURCE_FOLDERS.flatMap(sourceFiles);
const sources = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
const edges: Edge[] = [];
for (const [from, text] of sources) {
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    const to = spec.startsWith('.') ? normalize(join(dirname(from), spec)) : spec;
    edges.push({ from, to, spec });
  }
}

/** The folder a path belongs to, with sim's two leaves as folders of their own. */
function unit(path: string): string {
  if (path.startsWith('sim/kernel/')) return 'sim/kernel';
  if (path.startsWith('sim/balancers/')) return 'sim/balancers';
  return path.split('/')[0];
}
const isLocal = (e: Edge) => e.spec.startsWith('.');
const list = (bad: Edge[]) => bad.map((e) => `\n  ${e.from} → ${e.spec}`).join('');

test('the scan sees the imports it checks (a broken pattern would pass every rule)', () => {
  assert.ok(files.length > 100, `${files.length} files`);
  assert.ok(edges.some((e) => e.from === 'sim/simulate.ts' && e.to === 'strategies/index.ts'));
  assert.ok(edges.some((e) => e.from === 'replay/replay.ts' && e.to === 'sim/result/assemble.ts'));
  assert.ok(edges.some((e) => e.from.startsWith('bin/') && e.spec === 'yargs'));
});

test('strategies/ imports only strategies/ and the scenario types, and reads no clock or random source', () => {
  const allowed = new Set(['scenarios/types.ts', 'scenarios/dict.ts']);
  const bad = edges.filter((e) => e.from.startsWith('strategies/') && !(isLocal(e) && (e.to.startsWith('strategies/') || allowed.has(e.to))));
  assert.equal(bad.length, 0, `strategies/ imports outside its rule:${list(bad)}`);
  const clocks = /\b(Date\.now|new Date\(|performance\.now|Math\.random|setTimeout|setInterval|setImmediate|process\.hrtime)\b/;
  const readers = [...sources].filter(([f, text]) => f.startsWith('strategies/') && clocks.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
  assert.equal(readers.map(([f]) => f), [], 'strategies/ must not read a clock, set a timer or draw a random number');
});

test('sim/ never imports replay/, reports/ or bin/, and of strategies/ only the protocol and the plan registry', () => {
  const fromStrategies = new Set(['strategies/protocol.ts', 'strategies/protocol-types.ts', 'strategies/index.ts']);
  const bad = edges.filter((e) => e.from.startsWith('sim/') && isLocal(e) &&
    (/^(replay|reports|bin)\//.test(e.to) || (e.to.startsWith('strategies/') && !fromStrategies.has(e.to))));
  assert.equal(bad.length, 0, `sim/ imports outside its rule:${list(bad)}`);
});

test('sim/kernel/ and sim/balancers/ are leaves', () => {
  const bad = edges.filter((e) => /^sim\/(kernel|balancers)\//.test(e.from) && isLocal(e) &&
    !/^sim\/(kernel|balancers)\//.test(e.to));
  assert.equal(bad.length, 0, `a leaf imports the rest of the project:${list(bad)}`);
});

test('no import cycle between folders', () => {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!isLocal(e)) continue;
    const a = unit(e.from), b = unit(e.to);
    if (a === b || !SOURCE_FOLDERS.some((f) => e.to.startsWith(`${f}/`))) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  // A folder reaching itself again is a cycle; name the path and one import on each hop.
  const via = (a: string, b: string) => edges.find((e) => isLocal(e) && unit(e.from) === a && unit(e.to) === b)!;
  const cycles: string[] = [];
  const walk = (start: string, at: string, path: string[]): void => {
    for (const next of graph.get(at) ?? []) {
      if (next === start) cycles.push([...path, start].map((u, k, all) => k < all.length - 1 ? `${u} (${via(u, all[k + 1]).from})` : u).join(' → '));
      else if (!path.includes(next) && next > start) walk(start, next, [...path, next]);
    }
  };
  for (const u of [...graph.keys()].sort()) walk(u, u, [u]);
  assert.equal(cycles, [], `import cycles:\n  ${cycles.join('\n  ')}`);
});

test.run();
