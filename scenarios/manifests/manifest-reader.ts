/**
 * Typed reads of one manifest's fields by path (`spec.strategy.canary.maxSurge`), each
 * failing with one line that names the file, the document, `Kind/name` and the field.
 * Kubernetes' own conventions apply: absent means the API default, an int-or-percent is
 * `1` or `"25%"`, and Argo durations are integer seconds or strings (`10`, `"30s"`, `"1h"`).
 */
import { describeValue } from '../scenario-error.ts';
import { parseDuration } from '../durations.ts';
import { docLine, ManifestError, type ManifestDoc } from './documents.ts';

export type Path = string;

export class ManifestReader {
  constructor(readonly doc: ManifestDoc) {}

  /** `Rollout/checkout spec.replicas`: what a generated field's comment names. */
  source(path: Path): string {
    return `${this.doc.kind}/${this.doc.name} ${path}`;
  }

  fail(path: Path, problem: string): never {
    throw new ManifestError(docLine(this.doc, path, problem));
  }

  expected(path: Path, what: string, got: unknown): never {
    this.fail(path, `expected ${what}, got ${describeValue(got)}`);
  }

  /** The value at `path` (dots, and [i] for list items), undefined when absent. */
  get(path: Path, from: unknown = this.doc.body): unknown {
    let v: unknown = from;
    for (const part of path.split(/\.|(?=\[)/)) {
      if (part === '') continue;
      if (v === null || v === undefined) return undefined;
      const item = /^\[(\d+)\]$/.exec(part);
      if (item) v = Array.isArray(v) ? v[Number(item[1])] : undefined;
      else v = typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v as object, part) ? (v as Record<string, unknown>)[part] : undefined;
    }
    return v;
  }

  has(path: Path): boolean {
    return this.get(path) !== undefined && this.get(path) !== null;
  }

  map(path: Path): Record<string, unknown> | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.expected(path, 'a map', v);
    return v as Record<string, unknown>;
  }

  list(path: Path): unknown[] | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.expected(path, 'a list', v);
    return v;
  }

  int(path: Path, opts: { min?: number } = {}): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    const min = opts.min ?? 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.expected(path, `an integer ≥ ${min}`, v);
    return v;
  }

  string(path: Path): string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.expected(path, 'a string', v);
    return v;
  }

  bool(path: Path): boolean | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.expected(path, 'true or false', v);
    return v;
  }

  /** `1` or `"25%"`, as Kubernetes writes maxSurge and maxUnavailable. */
  intOrPercent(path: Path): number | string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    if (typeof v === 'string' && /^\d+%$/.test(v)) return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
    this.expected(path, 'an integer or a percentage like "25%"', v);
  }

  /** Argo's durations: integer seconds, or a string with a unit (`"30s"`, `"1m"`, `"1h"`); ms. */
  duration(path: Path): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v * 1000;
    if (typeof v === 'string') {
      if (/^\d+$/.test(v)) return Number(v) * 1000;
      const ms = parseDuration(v);
      if (ms !== null) return ms;
    }
    this.expected(path, 'a duration: integer seconds or a string like "30s", "5m", "1h"', v);
  }

  /** The keys present in the map at `path` that are not in `known`. */
  unknownKeys(path: Path, known: readonly string[]): string[] {
    const m = this.map(path);
    return m ? Object.keys(m).filter((k) => !known.includes(k)) : [];
  }
}
