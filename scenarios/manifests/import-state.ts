/**
 * What an import collects while the kinds are read: the manifests, the scenario fields they
 * set (each with the manifest field it came from, for the generated comment), and the
 * warnings for valid fields relsim cannot model. The kinds only add to it; emit.ts writes it.
 */
import { docLine, ManifestError, type ManifestDoc } from './documents.ts';
import { ManifestReader } from './manifest-reader.ts';

/** A scenario field the manifests decide, e.g. ['services', 'checkout', 'replicas'] = 4. */
export interface ImportedField {
  path: (string | number)[];
  value: unknown;
  /** `Rollout/checkout spec.replicas`: named in a comment next to the field. */
  source: string;
}

/** A Deployment, Rollout or other pod owner, and the relsim service it becomes. */
export interface Workload {
  doc: ManifestDoc;
  r: ManifestReader;
  /** Where its pod template is: this object's `spec.template`, or a referenced Deployment's. */
  pod: { r: ManifestReader; path: string };
  /** The pod template's labels (what Services select). */
  labels: Record<string, string>;
  /** The relsim service name (services.<name>). */
  service: string;
}

/**
 * Folding (workloads.ts): a workload that is another one's new version, not a service of
 * its own — the canary Deployment behind a standalone traffic split (kinds/routing/). It
 * gets no services.<name> block and no release claim; `workload.service` is `into`'s.
 */
export interface FoldRequest {
  /** The workload to fold (its pod template is the new version). */
  doc: ManifestDoc;
  /** The workload whose service it becomes the new version of. */
  into: ManifestDoc;
  /** Who says so, for messages: `Ingress/checkout-canary spec.rules[0]…`. */
  by: string;
}

export interface FoldedWorkload {
  workload: Workload;
  into: Workload;
  by: string;
}

export class ImportState {
  readonly warnings: string[] = [];
  readonly fields: ImportedField[] = [];
  readonly workloads: Workload[] = [];
  /** Workloads folded into another's service as its new version (not in `workloads`). */
  readonly folded: FoldedWorkload[] = [];

  constructor(readonly docs: ManifestDoc[], readonly modelServices: ReadonlySet<string>, private readonly strict: boolean) {}

  /** A valid field relsim cannot model (or a setting it reads differently): one warning; an error under --strict. */
  warn(doc: ManifestDoc, path: string, problem: string): void {
    const line = docLine(doc, path, problem);
    if (this.strict) throw new ManifestError(`${line} (--strict)`);
    this.warnings.push(line);
  }

  set(path: (string | number)[], value: unknown, source: string): void {
    this.fields.push({ path, value, source });
  }

  /** Documents of one kind in one API group ('' for the core group), in order. */
  ofKind(group: string, kind: string): ManifestDoc[] {
    return this.docs.filter((d) => d.kind === kind && groupOf(d.apiVersion) === group);
  }

  find(group: string, kind: string, name: string): ManifestDoc | undefined {
    return this.ofKind(group, kind).find((d) => d.name === name);
  }

  workloadOf(doc: ManifestDoc): Workload | undefined {
    return this.workloads.find((w) => w.doc === doc);
  }
}

/** `apps/v1` → `apps`; `v1` → '' (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
