/**
 * `--vary PATH=VALUES` → one axis of the sweep grid, and the axes → the grid's points.
 *
 *   parseVary('services.api.preStop=0s..6s/2s')    // values "0s", "2s", "4s", "6s"
 *   parseVary('release.strategy.maxSurge=1,2,25%')  // values 1, 2, "25%"
 *   expandGrid([a, b])                               // every a value × every b value, a outermost
 *
 * Values are raw scenario-file values (what YAML would read: numbers as numbers, `5s` and
 * `25%` as strings), so the normal loader validates each point as if it had been written
 * in the file. A value's label is how it reads on the command line and in the reports.
 */
import { UserError } from '../../scenarios/user-error.ts';
import { formatDuration, parseDuration } from '../../scenarios/durations.ts';

export type RawValue = string | number | boolean;

export interface Axis {
  /** Dotted path into the scenario file, e.g. `services.api.preStop`. */
  path: string;
  values: RawValue[];
  /** One per value, as printed: `2s`, `25%`, `0.1`. */
  labels: string[];
}

export interface GridPoint {
  /** One value index per axis. */
  at: number[];
}

/** More points than this is almost certainly a typo in a step (`0s..1h/1ms`). */
export const MAX_POINTS = 100_000;

export function parseVary(spec: string): Axis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UserError(`--vary ${spec}: expected PATH=VALUES, e.g. services.api.preStop=0s..10s/2s or release.strategy.maxSurge=1,2,25%`, 2);
  const path = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  if (!/^[^.\s]+(\.[^.\s]+)*$/.test(path)) throw new UserError(`--vary ${spec}: the path ${JSON.stringify(path)} is not a dotted field path like services.api.preStop`, 2);
  if (text === '') throw new UserError(`--vary ${path}: no values after '='; give a list (1,2,4) or a range (0s..10s/2s)`, 2);
  const values = text.includes('..') ? parseRange(path, text) : text.split(',').map((t) => parseToken(path, t.trim()));
  const labels = values.map(String);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined) throw new UserError(`--vary ${path}: the value ${dup} is listed twice`, 2);
  return { path, values, labels };
}

/** Every combination of the axes' values, the first axis outermost (row-major). */
export function expandGrid(axes: readonly Axis[]): GridPoint[] {
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  if (total > MAX_POINTS) throw new UserError(`--vary: the grid has ${total} points, more than ${MAX_POINTS}; use a coarser step`, 2);
  const points: GridPoint[] = [];
  for (let k = 0; k < total; k++) {
    const at: number[] = new Array(axes.length);
    let rest = k;
    for (let i = axes.length - 1; i >= 0; i--) {
      at[i] = rest % axes[i].values.length;
      rest = Math.floor(rest / axes[i].values.length);
    }
    points.push({ at });
  }
  return points;
}

/** A list item: a number when it reads as one, true/false, otherwise the text itself (`5s`, `25%`, `rolling`). */
function parseToken(path: string, t: string): RawValue {
  if (t === '') throw new UserError(`--vary ${path}: an empty value in the list (two commas, or one at an end)`, 2);
  if (NUMBER.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** `a..b/step` of numbers, durations or percentages (all three parts of one kind), a and b included when b is on the step. */
function parseRange(path: string, text: string): RawValue[] {
  const m = /^(.+?)\.\.(.+?)(?:\/(.+))?$/.exec(text);
  if (!m) throw new UserError(`--vary ${path}=${text}: expected a range a..b/step, e.g. 0s..10s/2s or 1..8/1`, 2);
  const [from, to, step] = [m[1].trim(), m[2].trim(), m[3]?.trim()];
  const kind = kindOf(from);
  const bad = (why: string) => new UserError(`--vary ${path}=${text}: ${why}`, 2);
  if (kind === null) throw bad(`the start ${JSON.stringify(from)} is not a number, a duration (5s) or a percentage (25%)`);
  if (kindOf(to) !== kind) throw bad(`the end ${JSON.stringify(to)} is not a ${kind} like the start`);
  if (step === undefined && kind !== 'number') throw bad(`a ${kind} range needs a step: ${from}..${to}/STEP`);
  if (step !== undefined && kindOf(step) !== kind) throw bad(`the step ${JSON.stringify(step)} is not a ${kind} like the start`);
  const [a, b, s] = [valueOf(kind, from), valueOf(kind, to), step === undefined ? 1 : valueOf(kind, step)];
  if (!(s > 0)) throw bad('the step must be greater than 0');
  if (b < a) throw bad('the end is before the start');
  const count = Math.floor((b - a) / s + 1e-9) + 1;
  if (count > MAX_POINTS) throw bad(`${count} values, more than ${MAX_POINTS}; use a coarser step`);
  // Rounded to 10 decimals: 0.1 + 2 × 0.1 is 0.30000000000000004 in binary, 0.3 as written.
  const at = (i: number) => Number((a + i * s).toFixed(10));
  // The start as written (`0s`, not the shortest form `0ms`); the others in their shortest form.
  return Array.from({ length: count }, (_, i) => (i === 0 && kind === 'duration' ? from : render(kind, at(i))));
}

type Kind = 'number' | 'duration' | 'percentage';

function kindOf(t: string): Kind | null {
  if (NUMBER.test(t)) return 'number';
  if (/^-?\d+(\.\d+)?%$/.test(t)) return 'percentage';
  return parseDuration(t) === null ? null : 'duration';
}

function valueOf(kind: Kind, t: string): number {
  if (kind === 'number') return Number(t);
  if (kind === 'percentage') return Number(t.slice(0, -1));
  return parseDuration(t)!;
}

function render(kind: Kind, v: number): RawValue {
  if (kind === 'number') return v;
  if (kind === 'percentage') return `${v}%`;
  // Durations of fractional milliseconds cannot be written; whole ones in the shortest exact form.
  return Number.isInteger(v) ? formatDuration(v) : `${v}ms`;
}
