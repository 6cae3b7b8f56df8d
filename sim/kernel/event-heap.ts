/**
 * The pending-event set: a binary min-heap over parallel typed arrays, ordered by
 * (time, seq). `seq` is the insertion counter, so equal times pop in insertion order
 * (deterministic FIFO ties). Each entry carries an integer kind and two integer payloads;
 * nothing is allocated per push or pop. Grows by doubling.
 */
import { grown } from './typed-arrays.ts';

export class EventHeap {
  size = 0;
  private time: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private a: Int32Array;
  private b: Int32Array;

  /** Payload of the last popped entry (read after `pop()`). */
  topTime = 0;
  topSeq = 0;
  topKind = 0;
  topA = 0;
  topB = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
  }

  get capacity(): number {
    return this.time.length;
  }

  /** Earliest pending time, or Infinity when empty. */
  peekTime(): number {
    return this.size > 0 ? this.time[0] : Infinity;
  }

  push(time: number, seq: number, kind: number, a: number, b: number): void {
    if (this.size === this.time.length) this.grow();
    const T = this.time, S = this.seq, K = this.kind, A = this.a, B = this.b;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p];
      if (pt < time || (pt === time && S[p] < seq)) break;
      T[i] = pt; S[i] = S[p]; K[i] = K[p]; A[i] = A[p]; B[i] = B[p];
      i = p;
    }
    T[i] = time; S[i] = seq; K[i] = kind; A[i] = a; B[i] = b;
  }

  /** Removes the earliest entry into the `top*` fields. Caller checks `size > 0` first. */
  pop(): void {
    const T = this.time, S = this.seq, K = this.kind, A = this.a, B = this.b;
    this.topTime = T[0]; this.topSeq = S[0]; this.topKind = K[0]; this.topA = A[0]; this.topB = B[0];
    const n = --this.size;
    if (n === 0) return;
    const time = T[n], seq = S[n], kind = K[n], a = A[n], b = B[n];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < n && (T[r] < T[c] || (T[r] === T[c] && S[r] < S[c]))) c = r;
      const ct = T[c];
      if (time < ct || (time === ct && seq < S[c])) break;
      T[i] = ct; S[i] = S[c]; K[i] = K[c]; A[i] = A[c]; B[i] = B[c];
      i = c;
    }
    T[i] = time; S[i] = seq; K[i] = kind; A[i] = a; B[i] = b;
  }

  /** Position of the pending entry with this seq, or −1 (popped, or never pushed). A linear scan: cold callers only. */
  indexOf(seq: number): number {
    const S = this.seq;
    for (let i = 0; i < this.size; i++) if (S[i] === seq) return i;
    return -1;
  }

  kindAt(i: number): number {
    return this.kind[i];
  }

  /** Changes an entry's kind in place (its position depends only on time and seq). */
  setKindAt(i: number, kind: number): void {
    this.kind[i] = kind;
  }

  clear(): void {
    this.size = 0;
  }

  private grow(): void {
    const n = this.time.length * 2;
    this.time = grown(this.time, n);
    this.seq = grown(this.seq, n);
    this.kind = grown(this.kind, n);
    this.a = grown(this.a, n);
    this.b = grown(this.b, n);
  }

}
