/** Growing the structure-of-arrays stores: a copy of a typed array with a new capacity. */
export type TypedStore = Int32Array | Float64Array | Uint8Array;

export function grown<T extends TypedStore>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}
