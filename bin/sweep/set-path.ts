/**
 * Writing one value into the parsed scenario file at a dotted path, as the user would have
 * edited the file: `services.api.preStop` sets the field, `release.strategy.steps.1.setWeight`
 * indexes a list. Every part but the last must already be in the file (a sweep varies the
 * scenario as written, it does not invent blocks); the last may be new, and the loader then
 * judges it like any field (an unknown one gets its "did you mean").
 *
 *   checkPath(raw, 'services.api.preStpo.x')   // UserError: services.api has no field preStpo (did you mean `preStop`?)
 *   setPath(raw, 'services.api.preStop', '2s') // raw changed in place
 */
import { UserError } from '../../scenarios/user-error.ts';
import { didYouMean } from '../../scenarios/nearest-name.ts';
import { describeValue } from '../../scenarios/scenario-error.ts';

type Node = Record<string, unknown> | unknown[];

/** Throws the UserError (exit 2) that says why `path` cannot be set in `raw`; nothing when it can. */
export function checkPath(raw: unknown, path: string): void {
  parentOf(raw, path);
}

export function setPath(raw: unknown, path: string, value: unknown): void {
  const { node, key } = parentOf(raw, path);
  if (Array.isArray(node)) node[Number(key)] = value;
  else node[key] = value;
}

function parentOf(raw: unknown, path: string): { node: Node; key: string } {
  const parts = path.split('.');
  let node: unknown = raw;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    const here = parts.slice(0, i).join('.') || 'the top level';
    const last = i === parts.length - 1;
    const fail = (why: string) => new UserError(`--vary ${path}: ${why}`, 2);
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key) || Number(key) >= node.length) throw fail(`${here} is a list of ${node.length}; expected an index 0–${node.length - 1}, got ${JSON.stringify(key)}`);
      if (last) return { node, key };
      node = node[Number(key)];
    } else if (typeof node === 'object' && node !== null) {
      const map = node as Record<string, unknown>;
      if (!Object.hasOwn(map, key)) {
        if (last) return { node: map, key };
        const keys = Object.keys(map);
        const hint = didYouMean(key, keys) || (keys.length ? ` (it has: ${keys.join(', ')})` : '');
        throw fail(`${here} has no field ${JSON.stringify(key)} in the scenario file${hint}; a sweep varies fields the file writes (or adds the last part of the path only)`);
      }
      if (last) return { node: map, key };
      node = map[key];
    } else {
      throw fail(`${here} is ${describeValue(node)}, not a map or list, so it has no field ${JSON.stringify(key)}`);
    }
  }
  throw new UserError(`--vary ${path}: empty path`, 2);
}
