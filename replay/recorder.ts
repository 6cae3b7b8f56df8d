/**
 * Every request the load generator sends, and its one outcome, bucketed over scenario
 * time. A request is counted when it is written and gets at most one outcome (a second is
 * ignored); the requests still unanswered are tracked apart, so `offered = ok + Σ dropped +
 * in flight` is a check on the bookkeeping (re-sends, out-of-order answers), not a definition.
 *
 * Mirrored copies are not users' requests: the proxy reports them apart (`copiesFinished`),
 * they are counted in `mirrored` and seen by the canary analysis (`window`), never offered
 * and never drops, as in the simulator (sim/model/mirror.ts).
 *
 * Time: `now()` is real ms since start; buckets are in scenario ms (real × speed).
 */
import type { LaneSpec, MatchRule, MatchValue } from '../scenarios/types.ts';
import { alternatives, cookiePairs, valueMatches } from '../scenarios/matching.ts';
import type { WindowStats } from '../strategies/protocol-types.ts';
import { DROP_CAUSES, emptyByCause, type DropCause } from '../sim/result/run-result.ts';
import { LANE_ECHO_HEADER, PATH_HEADER, classifyResponse, upstreamPort } from './classify.ts';
import { dict } from '../scenarios/dict.ts';
import type { MirroredCopy } from './proxy.ts';

export interface SentRequest {
  /** Real ms since the recorder started. */
  sentAt: number;
  user: number;
  headers: Record<string, string>;
  /** POST for the scenario's non-idempotent share: never re-sent once written. */
  method: 'GET' | 'POST';
  done: boolean;
  /** Re-sends after the proxy closed the connection under it (at most one). */
  resent: number;
  /** Sequence number, sent as a header and echoed back, to pair a response with its request. */
  id: number;
  /** The request target as sent: `/`, or `/?name=value&…` with the user's query parameters. */
  path: string;
}

/**
 * From `at` (real ms) on, the proxy may route by any of `sets` of lanes: two while a lane
 * change is being applied (the old rules until the proxy's old workers are gone, the new
 * ones from the moment the change starts), one otherwise.
 */
interface LaneEpoch { at: number; sets: LaneSpec[][] }

/** One finished request, kept for metrics windows. */
interface Finished {
  at: number;
  hops: string[];
  ok: boolean;
  latencyMs: number;
}

/** From a crash until the proxy stopped sending to the crashed process, real ms. */
export interface CrashSpan { from: number; to: number }

export class LoadRecorder {
  offered = 0;
  ok = 0;
  readonly byCause = emptyByCause();
  /** Requests autocannon would have lost silently when a server closed the connection. */
  lostOnServerClose = 0;
  /** Requests re-sent once after the proxy closed or reset the connection before answering. */
  resentAfterClose = 0;
  /** Responses that did not answer the oldest request outstanding on their connection. */
  outOfOrderResponses = 0;
  private readonly laneEpochs: LaneEpoch[] = [{ at: -Infinity, sets: [[]] }];
  readonly laneResults: Record<string, { requests: number; paths: Record<string, number> }> = dict();
  readonly latencies: number[] = [];
  /** When each request was first written (real ms), in order: re-sends are not arrivals. */
  readonly arrivals: number[] = [];
  /** Drops per step index (the platform sets `step`; −1 before the first step). */
  step = -1;
  readonly stepDrops = new Map<number, Partial<Record<DropCause, number>>>();

  private t0 = performance.now();
  private readonly series = new Map<string, number[]>();
  private readonly bucketLatencies: number[][] = [];
  private readonly shareCounts: Map<string, number>[] = [];
  private readonly finished: Finished[] = [];
  private readonly unanswered = new Set<SentRequest>();
  /** Real ms at which the backend on each port was sent SIGTERM (the platform tells). */
  private readonly stoppedAt = new Map<number, number>();
  /** Failing versions: from each crash until the proxy stopped sending to that process (real ms). */
  private readonly crashSpans: CrashSpan[] = [];
  /**
   * Drops owed to crashes (`meta.crashes`, as the simulator counts them): refused and reset
   * requests that failed while a crashed process was still in the proxy's list, i.e. in
   * flight when it died, or sent to it before the proxy heard.
   */
  readonly crashDropped = { refused: 0, reset: 0 };
  /** Mirrored copies, as the simulator's `meta.mirrored`: sent (finished), answered ok, failed. */
  readonly mirrored = { sent: 0, ok: 0, failed: 0 };
  /** Finished copies, for metrics windows (apart from users' requests: they arrive late, in batches). */
  private readonly copies: Finished[] = [];

  constructor(readonly speed: number, readonly bucketMs: number) {}

  /** Time zero is when the load starts (backends and proxy start before it). */
  restart(): void {
    this.t0 = performance.now();
  }

  now(): number {
    return performance.now() - this.t0;
  }

  /**
   * Real ms on the performance clock of every thread at which now() is 0: the load
   * generator's thread stamps its events by it, so a stall of this thread does not move them.
   */
  get origin(): number {
    return performance.timeOrigin + this.t0;
  }

  /** A request was written at `at` (real ms, default now). */
  sent(user: number, headers: Record<string, string>, method: 'GET' | 'POST' = 'GET', path = '/', at = this.now()): SentRequest {
    const r: SentRequest = { sentAt: at, user, headers, path, method, done: false, resent: 0, id: this.offered };
    this.offered++;
    this.arrivals.push(at);
    this.unanswered.add(r);
    this.bump('offered', r.sentAt);
    return r;
  }

  /** A response arrived (any status) at `at` (real ms, default now). */
  response(r: SentRequest, status: number, headers: Record<string, string>, at = this.now()): void {
    if (r.done) return;
    const latency = (at - r.sentAt) * this.speed;
    const path = headers[PATH_HEADER] ?? '';
    const hops = path ? path.split('>') : [];
    let cause = classifyResponse(status, headers);
    if (cause === 'reset' && this.sentAfterStop(r, headers)) cause = 'refused';
    const { lane, misroute } = this.judgeLanes(r, headers, hops, at);
    if (cause === null && misroute) cause = 'misroute';
    if (lane && (cause === null || cause === 'misroute')) {
      const lr = (this.laneResults[lane.name] ??= { requests: 0, paths: dict() });
      lr.requests++;
      lr.paths[path] = (lr.paths[path] ?? 0) + 1;
    }
    this.finished.push({ at, hops, ok: cause === null, latencyMs: latency });
    this.countHops(r.sentAt, hops);
    if (cause === null) {
      this.settle(r);
      this.ok++;
      this.latencies.push(latency);
      this.bump('ok', r.sentAt);
      (this.bucketLatencies[this.bucket(r.sentAt)] ??= []).push(latency);
    } else {
      this.drop(r, cause, at);
    }
  }

  /** A backend listening on `port` (a new instance: a port of a stopped one may come again). */
  backendStarted(port: number): void {
    this.stoppedAt.delete(port);
  }

  /** The backend on `port` was sent SIGTERM now: from now on it takes no new request. */
  backendStopped(port: number): void {
    this.stoppedAt.set(port, this.now());
  }

  /**
   * Whether the proxy's last try went to a backend already stopped when the request was
   * sent. The drop taxonomy calls that `refused` (sent to an instance that is gone), as the
   * model does, however the connection failed: nginx reports a reset, not a refused
   * connect, when it sent the request on a keep-alive connection it had pooled to the
   * backend, or on one the kernel still accepted while the process was exiting. Those
   * were a quarter of an abrupt kill's drops on nginx-kill-compare (26 reset, 120 refused,
   * against 1.5 reset in the model: the requests in flight at the kill). A request sent
   * before the stop and cut off by it stays `reset`.
   */
  private sentAfterStop(r: SentRequest, headers: Record<string, string>): boolean {
    const port = upstreamPort(headers);
    const at = port === null ? undefined : this.stoppedAt.get(port);
    return at !== undefined && r.sentAt >= at;
  }

  /**
   * A backend crashed about `at` (real ms): drops from then on are owed to it until
   * `crashSettled` (the proxy no longer lists it).
   */
  crashBegan(at: number): CrashSpan {
    const span = { from: at, to: Infinity };
    this.crashSpans.push(span);
    return span;
  }

  crashSettled(span: CrashSpan, at = this.now()): void {
    span.to = at;
  }

  /** No response: a transport error, a timeout, or lost when the server closed; failed at `at` (real ms). */
  drop(r: SentRequest, cause: DropCause, at = this.now()): void {
    if (r.done) return;
    this.settle(r);
    this.byCause[cause]++;
    if ((cause === 'refused' || cause === 'reset') && this.crashSpans.some((c) => at >= c.from && at <= c.to)) this.crashDropped[cause]++;
    this.bump('dropped', r.sentAt);
    this.bump(`dropped.${cause}`, r.sentAt);
    const s = this.stepDrops.get(this.step) ?? {};
    s[cause] = (s[cause] ?? 0) + 1;
    this.stepDrops.set(this.step, s);
  }

  /** Copies the proxy reports finished (their `at` on the wall clock); in order of finishing. */
  copiesFinished(copies: MirroredCopy[]): void {
    for (const c of copies) {
      this.mirrored.sent++;
      if (c.ok) this.mirrored.ok++; else this.mirrored.failed++;
      this.copies.push({ at: c.at - this.origin, hops: c.hops, ok: c.ok, latencyMs: c.latencyMs * this.speed });
    }
  }

  /** The lanes in force once every change has settled (what new requests are judged by). */
  get lanes(): LaneSpec[] {
    const sets = this.laneEpochs[this.laneEpochs.length - 1].sets;
    return sets[sets.length - 1];
  }

  /**
   * A lane change starts: from now until `endLaneChange`, a request may be routed by the
   * old lanes or the new ones (an nginx reload's old worker keeps serving its connections),
   * and a path right under either is not a misroute.
   */
  beginLaneChange(next: LaneSpec[]): void {
    this.laneEpochs.push({ at: this.now(), sets: [this.lanes, next] });
  }

  /** The proxy routes by the new lanes only (its old workers are gone). */
  endLaneChange(): void {
    this.laneEpochs.push({ at: this.now(), sets: [this.lanes] });
  }

  /** Requests sent and neither answered nor dropped (yet). */
  get inFlight(): number {
    return this.unanswered.size;
  }

  get dropped(): number {
    return DROP_CAUSES.reduce((s, c) => s + this.byCause[c], 0);
  }

  /** What the canary analysis sees: requests (and mirrored copies) whose path went through service:version. */
  window(service: string, version: string, windowMs: number): WindowStats {
    const from = this.now() - windowMs / this.speed;
    const hop = `${service}:${version}`;
    let requests = 0;
    let ok = 0;
    const lat: number[] = [];
    // Copies count where they were served, as the simulator's per-version metrics do.
    for (const list of [this.finished, this.copies]) {
      for (let i = list.length - 1; i >= 0 && list[i].at >= from; i--) {
        const f = list[i];
        if (!f.hops.includes(hop)) continue;
        requests++;
        if (f.ok) { ok++; lat.push(f.latencyMs); }
      }
    }
    lat.sort((a, b) => a - b);
    return {
      requests, ok, errors: requests - ok, successRate: requests ? ok / requests : NaN,
      p50: quantile(lat, 0.5), p90: quantile(lat, 0.9), p99: quantile(lat, 0.99),
      latencies: lat.slice(0, 500),
    };
  }

  /** Timeline series named like the simulator's. */
  timeline(buckets: number): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    const pad = (xs: number[] | undefined): number[] => Array.from({ length: buckets }, (_, i) => xs?.[i] ?? 0);
    for (const name of ['offered', 'ok', 'dropped']) out[name] = pad(this.series.get(name));
    for (const c of DROP_CAUSES) { const s = this.series.get(`dropped.${c}`); if (s) out[`dropped.${c}`] = pad(s); }
    out.p50Ms = Array.from({ length: buckets }, (_, i) => quantile(sorted(this.bucketLatencies[i]), 0.5));
    out.p99Ms = Array.from({ length: buckets }, (_, i) => quantile(sorted(this.bucketLatencies[i]), 0.99));
    const hops = new Set<string>();
    for (const m of this.shareCounts) if (m) for (const k of m.keys()) if (!k.endsWith(':*')) hops.add(k);
    for (const hop of [...hops].sort()) {
      const [svc, ver] = hop.split(':');
      out[`share.${svc}.${ver}`] = Array.from({ length: buckets }, (_, i) => {
        const m = this.shareCounts[i];
        const all = m?.get(`${svc}:*`) ?? 0;
        return all ? round4((m?.get(hop) ?? 0) / all) : 0;
      });
    }
    return out;
  }

  // ---- internals ----------------------------------------------------------------------

  private settle(r: SentRequest): void {
    r.done = true;
    this.unanswered.delete(r);
  }

  private bucket(realMs: number): number {
    return Math.max(0, Math.floor((realMs * this.speed) / this.bucketMs));
  }

  private bump(name: string, realMs: number): void {
    let s = this.series.get(name);
    if (!s) { s = []; this.series.set(name, s); }
    const b = this.bucket(realMs);
    s[b] = (s[b] ?? 0) + 1;
  }

  private countHops(realMs: number, hops: string[]): void {
    const m = (this.shareCounts[this.bucket(realMs)] ??= new Map());
    for (const h of hops) {
      const [svc, ver] = h.split(':');
      if (ver === '?') continue;
      m.set(h, (m.get(h) ?? 0) + 1);
      m.set(`${svc}:*`, (m.get(`${svc}:*`) ?? 0) + 1);
    }
  }

  /**
   * Judges a path by every lane set the proxy may have routed it by while it was in
   * flight: a misroute only when it is wrong under all of them. The lane it is counted
   * under is that of the first set it is right under (or of the set at send time).
   */
  private judgeLanes(r: SentRequest, headers: Record<string, string>, hops: string[], answeredAt: number): { lane: LaneSpec | null; misroute: boolean } {
    const sets = this.laneSetsBetween(r.sentAt, answeredAt);
    let first: LaneSpec | null | undefined;
    for (const active of sets) {
      const lane = this.expectedLane(active, r, headers);
      if (first === undefined) first = lane;
      if (hops.length === 0 || !this.isMisroute(hops, lane, active)) return { lane, misroute: false };
    }
    return { lane: first ?? null, misroute: true };
  }

  /** Lane sets in force at any time in [from, to], oldest first. Epochs are few (one or two per lane change). */
  private laneSetsBetween(from: number, to: number): LaneSpec[][] {
    let i = this.laneEpochs.length - 1;
    while (i > 0 && this.laneEpochs[i].at > to) i--;
    let j = i;
    while (j > 0 && this.laneEpochs[j].at > from) j--;
    const out: LaneSpec[][] = [];
    for (let k = j; k <= i; k++) for (const set of this.laneEpochs[k].sets) if (!out.includes(set)) out.push(set);
    return out;
  }

  /** The lane this request belongs to by the given lanes' match rules (first match). */
  private expectedLane(lanes: LaneSpec[], r: SentRequest, headers: Record<string, string>): LaneSpec | null {
    for (const lane of lanes) {
      const m = requestMatches(lane.match, r);
      if (m === true) return lane;
      // Percentages are hashed by the proxy; trust the tag the entry backend received.
      if (m === null && headers[LANE_ECHO_HEADER] === lane.tag) return lane;
    }
    return null;
  }

  /** A tagged request off its lane version where one exists, or untagged on a lane version. */
  private isMisroute(hops: string[], lane: LaneSpec | null, active: LaneSpec[]): boolean {
    for (const h of hops) {
      const [svc, ver] = h.split(':');
      if (lane) {
        const want = lane.services[svc];
        if (want && ver !== want) return true;
      } else if (active.some((l) => l.services[svc] === ver)) {
        return true;
      }
    }
    return false;
  }
}

/**
 * Whether a request falls under a match rule, from what was sent, by the model's rules
 * (scenarios/matching.ts): one alternative must hold, and in it every condition. null: a
 * percentage decides, which the proxy hashes its own way.
 */
export function requestMatches(rule: MatchRule, r: Pick<SentRequest, 'headers' | 'path' | 'user'>): boolean | null {
  let undecided = false;
  for (const m of alternatives(rule)) {
    const x = matchesAll(m, r);
    if (x === true) return true;
    if (x === null) undecided = true;
  }
  return undecided ? null : false;
}

function matchesAll(m: MatchRule, r: Pick<SentRequest, 'headers' | 'path' | 'user'>): boolean | null {
  const userId = (kv: MatchValue): boolean | null => (kv.name.toLowerCase() === 'x-user-id' ? valueMatches(kv, String(r.user)) : null);
  if (m.header) {
    const v = r.headers[m.header.name.toLowerCase()];
    if (v === undefined || !valueMatches(m.header, v)) return false;
  }
  if (m.cookie && !(userId(m.cookie) ?? sentCookies(r.headers.cookie).some(([n, v]) => n === m.cookie!.name.toLowerCase() && valueMatches(m.cookie!, v)))) return false;
  if (m.query) {
    const v = new URLSearchParams(r.path.split('?')[1] ?? '').get(m.query.name.toLowerCase());
    if (!(userId(m.query) ?? (v !== null && valueMatches(m.query, v)))) return false;
  }
  if (m.userIds && !m.userIds.includes(r.user)) return false;
  return m.percent !== undefined && m.percent < 100 ? null : true;
}

/** The cookies sent, decoded (load.ts sends names and values URL-encoded). */
function sentCookies(header: string | undefined): [string, string][] {
  return cookiePairs(header ?? '').map(([n, v]) => [decodeURIComponent(n), decodeURIComponent(v)]);
}

export function quantile(sortedXs: number[], q: number): number {
  if (sortedXs.length === 0) return 0;
  const i = Math.min(sortedXs.length - 1, Math.max(0, Math.ceil(q * sortedXs.length) - 1));
  return round4(sortedXs[i]);
}

function sorted(xs: number[] | undefined): number[] {
  return xs ? [...xs].sort((a, b) => a - b) : [];
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
