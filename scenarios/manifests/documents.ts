/**
 * Kubernetes manifests as relsim reads them: every document of every file (multi-document
 * YAML as `helm template` or `kubectl kustomize` print it; `-` is stdin), each with the
 * file, its index and `Kind/name`, so every message can say exactly where it comes from:
 * `rollout.yaml: document 2 (Rollout/checkout): spec.strategy.canary.steps[1].pause: …`.
 */
import YAML from 'yaml';
import { UserError } from '../user-error.ts';
import { describeValue, oneLine } from '../scenario-error.ts';

export interface ManifestDoc {
  file: string;
  /** 1-based position of the document in its file. */
  index: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** The parsed document. */
  body: Record<string, unknown>;
}

/** One readable source: a path (or `-`) and its text. */
export interface ManifestSource {
  file: string;
  text: string;
}

/** `file: document N (Kind/name): field: problem`, the one-line form of import errors and warnings. */
export function docLine(doc: Pick<ManifestDoc, 'file' | 'index' | 'kind' | 'name'>, field: string, problem: string): string {
  const who = doc.kind ? ` (${doc.kind}/${doc.name})` : '';
  return oneLine(`${doc.file}: document ${doc.index}${who}: ${field ? `${field}: ` : ''}${problem}`);
}

export class ManifestError extends UserError {
  constructor(line: string) {
    super(line, 2);
    this.name = 'ManifestError';
  }
}

/** Every non-empty document of every source, in order. */
export function readDocuments(sources: ManifestSource[]): ManifestDoc[] {
  const out: ManifestDoc[] = [];
  for (const { file, text } of sources) {
    const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
    // A stream that is not YAML at all comes back as one error-carrying "document".
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((d, i) => {
      const at = { file, index: i + 1, kind: '', name: '' };
      if (d.errors.length > 0) throw new ManifestError(docLine(at, '', `not valid YAML: ${d.errors[0].message.split('\n')[0]}`));
      const body = d.toJS({ maxAliasCount: 100 }) as unknown;
      if (body === null || body === undefined) return; // `---` with nothing after it
      if (typeof body !== 'object' || Array.isArray(body)) throw new ManifestError(docLine(at, '', `expected a Kubernetes object (a map with apiVersion, kind, metadata), got ${describeValue(body)}`));
      const m = body as Record<string, unknown>;
      // `kind: List` (kubectl get -o yaml) carries its objects in items.
      if (m.kind === 'List' && Array.isArray(m.items)) {
        m.items.forEach((item, k) => out.push(objectOf(item, { ...at, kind: 'List', name: `items[${k}]` })));
        return;
      }
      out.push(objectOf(m, at));
    });
  }
  return out;
}

function objectOf(v: unknown, at: { file: string; index: number; kind: string; name: string }): ManifestDoc {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ManifestError(docLine(at, '', `expected a Kubernetes object, got ${describeValue(v)}`));
  const m = v as Record<string, unknown>;
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof m[field] !== 'string' || m[field] === '') throw new ManifestError(docLine(at, field, `expected a string (every Kubernetes object has apiVersion and kind), got ${describeValue(m[field])}`));
  }
  const meta = m.metadata as Record<string, unknown> | undefined;
  const name = meta && typeof meta === 'object' ? meta.name : undefined;
  if (typeof name !== 'string' || name === '') throw new ManifestError(docLine({ ...at, kind: m.kind as string }, 'metadata.name', `expected a name, got ${describeValue(name)}`));
  return { file: at.file, index: at.index, apiVersion: m.apiVersion as string, kind: m.kind as string, name, body: m };
}
