/**
 * The scenario an import writes: the model file as the user wrote it (comments kept), with
 * every field the manifests decide set in place and a comment naming the manifest field it
 * came from. A field the model also sets is taken from the manifest, with a warning.
 */
import YAML, { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { scenarioLine } from '../scenario-error.ts';
import type { ImportedField } from './import-state.ts';

/** Writes `fields` into `model` and returns the YAML text; `warn` hears of each model value replaced. */
export function emitScenario(model: Document, modelFile: string, fields: ImportedField[], warn: (line: string) => void, header: string): string {
  const replaced = new Set<string>();
  for (const f of fields) {
    const key = f.path.join('.');
    const before = model.getIn(f.path);
    if (before !== undefined && !replaced.has(key) && !coveredBy(replaced, f.path) && JSON.stringify(toJs(before)) !== JSON.stringify(f.value)) {
      warn(scenarioLine(modelFile, key, `set in the model (${short(toJs(before))}) and by ${f.source}; the manifest's value (${short(f.value)}) is used`));
    }
    replaced.add(key);
    blockAncestors(model, f.path);
    model.setIn(f.path, model.createNode(f.value, { flow: isSmall(f.value) }));
    comment(model, f.path, ` ${f.source}`);
  }
  model.commentBefore = header + (model.commentBefore ? `\n${model.commentBefore}` : '');
  return model.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** A model map written on one line (`release: {startAt: 45s}`) opens up when fields join it. */
function blockAncestors(doc: Document, path: (string | number)[]): void {
  for (let i = 1; i < path.length; i++) {
    const node = doc.getIn(path.slice(0, i), true);
    if ((isMap(node) || isSeq(node)) && node.flow) node.flow = false;
  }
}

/** A field under one already replaced (its parent was set as a whole) warns no more. */
function coveredBy(replaced: Set<string>, path: (string | number)[]): boolean {
  for (let i = 1; i < path.length; i++) if (replaced.has(path.slice(0, i).join('.'))) return true;
  return false;
}

function comment(doc: Document, path: (string | number)[], text: string): void {
  const node = doc.getIn(path, true) as Node | undefined;
  if (!node) return;
  if (isScalar(node) || isSmall(toJs(node))) {
    node.comment = text;
    return;
  }
  const parent = doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
    if (!pair) return;
    // setIn creates new keys as plain strings; a comment needs a node.
    if (!isScalar(pair.key)) pair.key = doc.createNode(pair.key);
    (pair.key as Node).commentBefore = text;
  } else if (isSeq(parent)) {
    node.commentBefore = text;
  }
}

/** Short values print on one line (`{setWeight: 20}`, `[v1, v2]`); the rest as blocks. */
function isSmall(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  const json = JSON.stringify(v);
  return json.length <= 60 && !json.includes('[{');
}

function toJs(v: unknown): unknown {
  return v && typeof v === 'object' && 'toJSON' in (v as object) ? (v as { toJSON(): unknown }).toJSON() : v;
}

function short(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function parseModel(text: string, file: string, fail: (line: string) => never): Document {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) fail(scenarioLine(file, '', `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`));
  const top = doc.contents;
  if (top === null) return YAML.parseDocument('{}') as Document;
  if (!isMap(top)) fail(scenarioLine(file, '', 'expected a partial scenario: a map of scenario fields (traffic, services, slo…)'));
  return doc as Document;
}
