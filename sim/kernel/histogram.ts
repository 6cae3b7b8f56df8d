/**
 * A log-linear latency histogram (HDR-style): values in ms are bucketed with 64 linear
 * sub-buckets per power of two of microseconds, i.e. ≤ 1.6% relative error from 64 µs to
 * ~36 min; below 64 µs the buckets are 1 µs wide (a quantile is at most 1 µs high), which
 * no latency worth reporting needs finer. Fixed memory (2,048 counters), O(1) record, quantiles by a cumulative scan.
 * Recording allocates nothing, so it is safe on the request hot path.
 */
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS; // 64
const OCTAVES = 32;
export const HISTOGRAM_BINS = SUB * OCTAVES;

export class Histogram {
  readonly counts = new Float64Array(HISTOGRAM_BINS);
  total = 0;
  max = 0;
  sum = 0;

  record(ms: number): void {
    this.counts[binOf(ms)]++;
    this.total++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  /** The q-quantile (0..1), as the upper edge of its bin clipped to max; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let acc = 0;
    const c = this.counts;
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      acc += c[i];
      if (acc >= rank) return Math.min(upperEdgeMs(i), this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  reset(): void {
    if (this.total === 0) return;
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
    this.sum = 0;
  }

}

function binOf(ms: number): number {
  let us = ms * 1000;
  if (!(us >= 1)) us = 1; // also catches NaN
  const v = us | 0 || 1;
  const hi = 31 - Math.clz32(v); // floor(log2 v)
  if (hi < SUB_BITS) return v; // exact below 64 µs
  const shift = hi - SUB_BITS;
  const sub = (v >>> shift) - SUB; // 0..63
  const octave = hi - SUB_BITS + 1;
  const bin = octave * SUB + sub;
  return bin < HISTOGRAM_BINS ? bin : HISTOGRAM_BINS - 1;
}

function upperEdgeMs(bin: number): number {
  if (bin < SUB) return (bin + 1) / 1000;
  const octave = (bin / SUB) | 0;
  const sub = bin % SUB;
  const shift = octave - 1;
  return (((SUB + sub + 1) * 2 ** shift)) / 1000;
}
