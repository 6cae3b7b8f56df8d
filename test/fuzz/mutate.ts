/**
 * Seeded scenario mutants for the fuzz run: valid scenarios (the shipped ones and the test
 * fixtures) with values, keys and text replaced by what a careless or hostile user could
 * write. The same seed gives the same mutants, so a failure found at 10,000 can be replayed.
 *
 *   const mutants = makeMutants(1, 1000);   // [{ name, file, text }]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import seedrandom from 'seedrandom';

export interface Mutant {
  /** `seed-index:source:operations`, to name a failure. */
  name: string;
  /** The file name the loader sees (its extension picks YAML or JSON). */
  file: string;
  text: string;
}

export function makeMutants(seed: number, count: number): Mutant[] {
  const sources = loadSources();
  const rng = seedrandom(`relsim-fuzz-${seed}`);
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const src = sources[Math.floor(rng() * sources.length)];
    const json = src.file.endsWith('.json');
    const tree = structuredClone(src.tree);
    const ops: string[] = [];
    // Half the mutants get one change, so many stay valid and reach a run.
    const n = rng() < 0.5 ? 1 : 1 + Math.floor(rng() * 3);
    let root: unknown = tree;
    for (let k = 0; k < n; k++) root = mutateTree(root, rng, ops);
    let text = json ? JSON.stringify(root, null, 2) : YAML.stringify(root, { aliasDuplicateObjects: false, lineWidth: 0 });
    if (rng() < 0.3) text = mutateText(text, rng, ops);
    out.push({ name: `${seed}-${i}:${src.file}:${ops.join(',')}`, file: `mutant-${i}${json ? '.json' : '.yaml'}`, text });
  }
  return out;
}

interface Source { file: string; tree: unknown }

const SOURCE_DIRS = ['scenarios/examples', 'test/scenarios/fixtures', 'test/replay/fixtures'];

function loadSources(): Source[] {
  const out: Source[] = [];
  for (const dir of SOURCE_DIRS) {
    let names: string[];
    try { names = readdirSync(dir); } catch { continue; }
    for (const f of names.sort()) {
      if (!/\.(ya?ml|json)$/.test(f) || f.endsWith('.schema.json')) continue;
      const path = join(dir, f);
      try {
        const text = readFileSync(path, 'utf8');
        const tree = f.endsWith('.json') ? JSON.parse(text) : YAML.parse(text, { merge: true });
        if (tree && typeof tree === 'object') out.push({ file: path, tree });
      } catch { /* a fixture that is malformed on purpose is no seed */ }
    }
  }
  if (out.length === 0) throw new Error('fuzz: no seed scenarios found (run from the repository root)');
  return out;
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a\nb', '\u001b[2J\u001b[31m', '', ' ', 'a.b', '[0]',
  'x'.repeat(300), '<<', 'valueOf', 'replicas ', 'Replicas', 'duraton'];

const HOSTILE_VALUES: readonly unknown[] = [
  -1, 0, 1, 0.5, -0.5, 1e308, -1e308, 2147483647, 2147483648, 3e9, 1e-9, 63, 64, 1000000, 1000001,
  '', ' ', '\n', 'a\u0000b', '\u001b[31mred', 'a\r\nX-Injected: 1', '1e999ms', '10h', '1ms', '0ms', '-5s', '999999999h', '1000h',
  '25%', '200%', '-1%', 'NaN', 'Infinity', '__proto__', 'constructor', null, true, false, [], {}, [[[]]], { a: { b: {} } },
  'x'.repeat(5000), 'x {} server { listen 0.0.0.0:18099; } map $http_y', '$http_host', '%[req.hdr(host)]', "it's \"quoted\" \\",
  { uniform: { min: '5s', max: '1s' } }, { lognormal: { median: '0ms', p99: '0ms' } }, { exponential: { mean: 0 } }, { empirical: [] },
  { normal: { mean: '10ms', sd: '100ms', min: '0ms' } }, { pareto: { scale: '1ms', shape: 0.1 } },
  Array.from({ length: 200 }, (_, i) => i), ['a', 'b', 'a'],
];

const MAX_LIST = 20_000;

const PLAUSIBLE_STRINGS = ['0ms', '1ms', '250ms', '1s', '5s', '30s', '2m', '10m', '1h', '0%', '50%', '100%', '10%'];

/** Every map entry and list slot in the tree, as [container, key]. */
function slots(root: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) v.forEach((x, i) => { out.push([v, i]); walk(x, depth + 1); });
    else for (const k of Object.keys(v)) { out.push([v as Record<string, unknown>, k]); walk((v as Record<string, unknown>)[k], depth + 1); }
  };
  walk(root, 0);
  return out;
}

function maps(root: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (root && typeof root === 'object' && !Array.isArray(root)) out.push(root as Record<string, unknown>);
  for (const [c, k] of slots(root)) {
    const v = (c as Record<string | number, unknown>)[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
  }
  return out;
}

function setKey(m: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so `__proto__` becomes a real key as a YAML file would make it.
  Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutateTree(root: unknown, rng: Rng, ops: string[]): unknown {
  const all = slots(root);
  const op = Math.floor(rng() * 9);
  if (all.length === 0 || op === 0) {
    ops.push('root');
    return rng() < 0.5 ? pick(rng, HOSTILE_VALUES) : root;
  }
  const [c, k] = pick(rng, all);
  const box = c as Record<string | number, unknown>;
  switch (op) {
    case 1: case 2: // replace a value
      ops.push(`set ${String(k)}`);
      box[k] = structuredClone(pick(rng, HOSTILE_VALUES));
      return root;
    case 3: // delete a key or list item
      ops.push(`del ${String(k)}`);
      if (Array.isArray(c)) c.splice(k as number, 1); else delete box[k];
      return root;
    case 4: { // add or rename to a hostile key
      const candidates = maps(root);
      if (candidates.length === 0) return root;
      const m = pick(rng, candidates);
      const key = pick(rng, HOSTILE_KEYS);
      ops.push(`key ${JSON.stringify(key).slice(0, 20)}`);
      setKey(m, key, rng() < 0.5 ? structuredClone(pick(rng, HOSTILE_VALUES)) : structuredClone(box[k]));
      return root;
    }
    case 5: { // repeat a list item many times (long steps, many headers…)
      const lists = all.filter(([cc, kk]) => Array.isArray((cc as Record<string | number, unknown>)[kk]));
      if (lists.length === 0) return root;
      const [lc, lk] = pick(rng, lists);
      const list = (lc as Record<string | number, unknown[]>)[lk];
      if (list.length === 0) return root;
      // Capped, or two repeats of a repeat would build millions of items in the generator itself.
      const times = Math.min(pick(rng, [10, 100, 2000]), Math.floor(MAX_LIST / list.length));
      if (times < 2) return root;
      ops.push(`repeat ${String(lk)}×${times}`);
      (lc as Record<string | number, unknown>)[lk] = Array.from({ length: list.length * times }, (_, i) => structuredClone(list[i % list.length]));
      return root;
    }
    case 7: case 8: { // a plausible change: most such mutants stay valid, so runs get exercised
      const v = box[k];
      ops.push(`nudge ${String(k)}`);
      if (typeof v === 'number') box[k] = v * pick(rng, [0, 0.5, 2, 10, 1000]);
      else if (typeof v === 'string' && /^\d/.test(v)) box[k] = pick(rng, PLAUSIBLE_STRINGS);
      else if (typeof v === 'boolean') box[k] = !v;
      else if (Array.isArray(v) && v.length > 1) box[k] = rng() < 0.5 ? v.slice(1) : [...v].reverse();
      return root;
    }
    default: { // copy one value over another (a right value in a wrong place)
      const [c2, k2] = pick(rng, all);
      ops.push(`copy ${String(k2)}→${String(k)}`);
      box[k] = structuredClone((c2 as Record<string | number, unknown>)[k2]);
      return root;
    }
  }
}

const TEXT_INSERTS = [':', '-', '{', '[', '}', ']', '&a ', '*a', '*nope', '\n<<: 5\n', '\t', '"', "'", '!!binary ', '!!js/function ',
  '%YAML 1.1\n', '\n---\n', '\n...\n', '#', '? ', '|\n', '>\n', '\u0000', '\uFEFF', '\r', '@', '`'];

const ALIAS_BOMB = 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n' +
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n';

function mutateText(text: string, rng: Rng, ops: string[]): string {
  const at = Math.floor(rng() * (text.length + 1));
  const lines = text.split('\n');
  const li = Math.floor(rng() * lines.length);
  switch (Math.floor(rng() * 6)) {
    case 0: ops.push(`truncate@${at}`); return text.slice(0, at);
    case 1: { const s = pick(rng, TEXT_INSERTS); ops.push(`insert ${JSON.stringify(s)}@${at}`); return text.slice(0, at) + s + text.slice(at); }
    case 2: ops.push(`dupline ${li}`); lines.splice(li, 0, lines[li]); return lines.join('\n');
    case 3: ops.push(`delline ${li}`); lines.splice(li, 1); return lines.join('\n');
    case 4: ops.push('aliasbomb'); return ALIAS_BOMB + text;
    default: ops.push(`indent ${li}`); lines[li] = '   ' + lines[li]; return lines.join('\n');
  }
}
