/**
 * Objects keyed by names the user chose (services, versions, lanes, tags, paths).
 *
 * A plain `{}` inherits `constructor`, `toString`, `hasOwnProperty`… from Object.prototype,
 * so looking up a name it does not hold finds a function, and `obj['__proto__'] = x`
 * replaces its prototype instead of adding a key (the name then vanishes from the JSON).
 * `dict()` has no prototype: every name is an ordinary key, and JSON.stringify writes it.
 * `own()` reads a name from any object, including ones with a prototype (JSON.parse
 * output, results cloned from a worker thread, scenarios built in code).
 *
 * Set-up, control and report paths only: the request hot path uses integer ids.
 */

/** An empty name → value map without a prototype. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The value stored under `key` itself; never one inherited from a prototype. */
export function own<T>(obj: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return obj != null && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
