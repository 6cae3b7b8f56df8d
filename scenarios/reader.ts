/**
 * Typed reads of one field of a parsed YAML/JSON tree, each failing with a ScenarioError
 * that names the file, the field path, what was expected and what was found. The parse
 * modules (read-*.ts) are written against this so every error looks the same.
 */
import { ScenarioError, describeValue, scenarioLine } from './scenario-error.ts';
import { didYouMean } from './nearest-name.ts';
import { parseDuration } from './durations.ts';
import { INT32_MAX, INT32_WHY, MAX_REPLICAS, REPLICAS_WHY } from './limits.ts';

export type Raw = unknown;
export type RawMap = Record<string, Raw>;

export class Reader {
  /** One line each, formatted like an error (`file: path: problem`); the loader returns them. */
  readonly warnings: string[] = [];

  constructor(readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new ScenarioError(this.file, path, problem);
  }

  /** Something accepted but worth telling the user (e.g. a field the model ignores). */
  warn(path: string, problem: string): void {
    this.warnings.push(scenarioLine(this.file, path, problem));
  }

  expected(path: string, what: string, got: Raw): never {
    this.fail(path, `expected ${what}, got ${describeValue(got)}`);
  }

  isMap(v: Raw): v is RawMap {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  /** A map whose keys are all in `known`; an unknown key is an error with a suggestion. */
  fields(v: Raw, path: string, known: readonly string[], what = 'a map'): RawMap {
    if (!this.isMap(v)) this.expected(path, what, v);
    for (const key of Object.keys(v)) {
      if (!known.includes(key)) {
        const hint = didYouMean(key, known) || ` (known fields: ${known.join(', ')})`;
        this.fail(join(path, key), `unknown field${hint}`);
      }
    }
    return v;
  }

  /** A map keyed by user-chosen names (services, versions): keys in file order. */
  namedMap(v: Raw, path: string, what: string): RawMap {
    if (!this.isMap(v)) this.expected(path, what, v);
    return v;
  }

  /**
   * A map whose keys must be names (see name()), each value read by `read`, into an object
   * without a prototype: a service called `__proto__` or `constructor` is a name like any other.
   */
  nameKeyed<T>(v: Raw, path: string, what: string, keyWhat: string, read: (value: Raw, at: string) => T): Record<string, T> {
    const m = this.namedMap(v, path, what);
    const out = Object.create(null) as Record<string, T>;
    for (const key of Object.keys(m)) {
      const at = join(path, key);
      this.name(key, at, keyWhat);
      out[key] = read(m[key], at);
    }
    return out;
  }

  list(v: Raw, path: string, what = 'a list'): Raw[] {
    if (!Array.isArray(v)) this.expected(path, what, v);
    return v;
  }

  number(v: Raw, path: string, opts: { min?: number; max?: number; minExclusive?: boolean; what?: string } = {}): number {
    const what = opts.what ?? describeRange('a number', opts);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.expected(path, what, v);
    if (opts.min !== undefined && (opts.minExclusive ? v <= opts.min : v < opts.min)) this.expected(path, what, v);
    if (opts.max !== undefined && v > opts.max) this.expected(path, what, v);
    return v;
  }

  integer(v: Raw, path: string, min: number, what?: string): number {
    const w = what ?? (min === 1 ? 'a positive integer' : min === 0 ? 'an integer ≥ 0' : `an integer ≥ ${min}`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.expected(path, w, v);
    return v;
  }

  /**
   * An integer in [min, max]. Below min (or not an integer) reads exactly like integer();
   * above max says the range and, with `why`, where the bound comes from.
   */
  integerUpTo(v: Raw, path: string, min: number, max: number, why?: string): number {
    const n = this.integer(v, path, min);
    if (n > max) this.fail(path, `expected an integer between ${min} and ${max}${why ? ` (${why})` : ''}, got ${n}`);
    return n;
  }

  /** An integer ≥ min that the simulator keeps in an Int32Array (counts, ids). */
  int32(v: Raw, path: string, min: number): number {
    return this.integerUpTo(v, path, min, INT32_MAX, INT32_WHY);
  }

  /** A replica count (of a service, a preview, a lane, a canary scale). */
  replicas(v: Raw, path: string, min: number): number {
    return this.integerUpTo(v, path, min, MAX_REPLICAS, REPLICAS_WHY);
  }

  string(v: Raw, path: string, what = 'a string'): string {
    if (typeof v !== 'string' || v === '') this.expected(path, what, v);
    return v;
  }

  /** A name: letters, digits, `-`, `_`, `.` — no spaces, `:` or `>` (they delimit lane paths). */
  name(v: Raw, path: string, what = 'a name'): string {
    if (typeof v === 'number') this.fail(path, `expected ${what} (a string; quote numbers: "${v}"), got ${v}`);
    if (typeof v !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(v)) this.expected(path, `${what} (letters, digits, '-', '_', '.')`, v);
    return v;
  }

  /** Header values etc.: a string, or a number written without quotes. */
  text(v: Raw, path: string): string {
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string') this.expected(path, 'a string', v);
    return v;
  }

  /**
   * An HTTP field name (RFC 9110 token): header names, cookie names and query keys. They
   * reach generated proxy configs and request lines, where anything else would be
   * ambiguous at best and injectable at worst.
   */
  token(v: Raw, path: string, what = 'a header name'): string {
    if (typeof v !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v)) {
      this.expected(path, `${what} (letters, digits and !#$%&'*+-.^_\`|~, no spaces)`, v);
    }
    return v;
  }

  /**
   * An HTTP field value: any text but control characters (a CR or LF would end the header
   * line, NUL is refused by every proxy) and surrounding spaces (HTTP strips them, so the
   * value could never match as written). Numbers are taken as written.
   */
  fieldValue(v: Raw, path: string): string {
    const s = this.text(v, path);
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) this.fail(path, `expected a header value without control characters (CR, LF, NUL…), got ${describeValue(s)}`);
    if (s !== s.trim()) this.fail(path, `expected a header value without leading or trailing spaces (HTTP strips them), got ${describeValue(s)}`);
    return s;
  }

  boolean(v: Raw, path: string): boolean {
    if (typeof v !== 'boolean') this.expected(path, 'true or false', v);
    return v;
  }

  oneOf<T extends string>(v: Raw, path: string, options: readonly T[]): T {
    if (typeof v !== 'string' || !options.includes(v as T)) {
      const hint = typeof v === 'string' ? didYouMean(v, options) : '';
      this.fail(path, `expected one of ${options.join(', ')}, got ${describeValue(v)}${hint}`);
    }
    return v as T;
  }

  /** A duration with a unit (`250ms`, `5s`, `2m`, `1h`) or 0, in ms. */
  duration(v: Raw, path: string, opts: { positive?: boolean } = {}): number {
    const what = opts.positive ? 'a duration > 0 like 250ms, 5s, 2m' : 'a duration like 250ms, 5s, 2m';
    let ms: number | null = null;
    if (v === 0) ms = 0;
    else if (typeof v === 'string') ms = parseDuration(v);
    else if (typeof v === 'number') this.fail(path, `expected ${what}, got ${v} (a bare number is only allowed in *Seconds fields; write ${v}ms or ${v}s)`);
    if (ms === null || (opts.positive && ms <= 0)) this.expected(path, what, v);
    return ms;
  }

  /** A *Seconds field: a bare number of seconds (Kubernetes style) or a duration string; in s. */
  seconds(v: Raw, path: string): number {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    if (typeof v === 'string') {
      const ms = parseDuration(v);
      if (ms !== null) return ms / 1000;
    }
    this.expected(path, 'a number of seconds ≥ 0 (or a duration like 30s)', v);
  }

  /** A *Seconds field whose typed value is ms (every one but the probe's): seconds × 1000. */
  secondsAsMs(v: Raw, path: string): number {
    return this.seconds(v, path) * 1000;
  }

  /** A fraction in [0, 1]: 0.01 or "1%". */
  fraction(v: Raw, path: string): number {
    if (typeof v === 'number' && v >= 0 && v <= 1) return v;
    if (typeof v === 'string') {
      const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(v.trim());
      if (m && Number(m[1]) <= 100) return Number(m[1]) / 100;
    }
    this.expected(path, 'a fraction between 0 and 1 (or a percentage like "1%")', v);
  }

  /** A count or a percentage of replicas, as Kubernetes writes it: 1 or "25%". */
  intOrPercent(v: Raw, path: string): number | string {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    if (typeof v === 'string') {
      const m = /^(\d+)%$/.exec(v.trim());
      if (m && Number(m[1]) <= 100) return `${Number(m[1])}%`;
    }
    this.expected(path, 'an integer ≥ 0 or a percentage like "25%"', v);
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const k = quoteKey(key);
  if (k !== key) return `${path}[${k}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * A key as an error line may show it: as written when it is printable and free of the path
 * punctuation, else JSON-quoted, so a key holding a newline or a terminal escape cannot
 * split the one-line error or colour the user's terminal.
 */
export function quoteKey(key: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[^\x00-\x20\x7f-\x9f.[\]"\u2028\u2029]+$/.test(key) && key.length <= 80 ? key : JSON.stringify(key.length > 80 ? key.slice(0, 77) + '...' : key);
}

function describeRange(base: string, o: { min?: number; max?: number; minExclusive?: boolean }): string {
  if (o.min !== undefined && o.max !== undefined) return `${base} between ${o.min} and ${o.max}`;
  if (o.min !== undefined) return o.min === 0 && o.minExclusive ? `a positive number` : `${base} ${o.minExclusive ? '>' : '≥'} ${o.min}`;
  if (o.max !== undefined) return `${base} ≤ ${o.max}`;
  return base;
}
