/**
 * Caller timeouts without a heap insertion and removal per hop.
 *
 * Every call on one edge (caller service → callee service) has the same per-try timeout,
 * so deadlines on an edge arrive in increasing order: a FIFO per edge holds them, and only
 * the head of each FIFO has a timer event in the heap. A call that finishes first is not
 * removed; its entry is recognised as stale by its generation when it reaches the head.
 * Cost per call: one ring-buffer push and, later, one pop — no heap traffic.
 */
export class TimeoutQueue {
  private ids: Int32Array;
  private gens: Int32Array;
  private deadlines: Float64Array;
  private head = 0;
  length = 0;
  /** Whether a timer event for this queue is pending in the heap. */
  armed = false;

  constructor(capacity = 256) {
    this.ids = new Int32Array(capacity);
    this.gens = new Int32Array(capacity);
    this.deadlines = new Float64Array(capacity);
  }

  push(deadline: number, id: number, gen: number): void {
    if (this.length === this.ids.length) this.grow();
    const k = (this.head + this.length++) & (this.ids.length - 1);
    this.ids[k] = id;
    this.gens[k] = gen;
    this.deadlines[k] = deadline;
  }

  peekDeadline(): number {
    return this.deadlines[this.head];
  }
  peekId(): number {
    return this.ids[this.head];
  }
  peekGen(): number {
    return this.gens[this.head];
  }

  shift(): void {
    this.head = (this.head + 1) & (this.ids.length - 1);
    this.length--;
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const ids = new Int32Array(cap), gens = new Int32Array(cap), dl = new Float64Array(cap);
    for (let i = 0; i < this.length; i++) {
      const k = (this.head + i) & (this.ids.length - 1);
      ids[i] = this.ids[k]; gens[i] = this.gens[k]; dl[i] = this.deadlines[k];
    }
    this.ids = ids; this.gens = gens; this.deadlines = dl; this.head = 0;
  }
}
