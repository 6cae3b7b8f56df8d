/**
 * Several plans at once, over the existing actions: no platform learns a new one.
 *
 *   const [api, web] = yield* all([apiPlan, webPlan]);
 *
 * A plan is one generator waiting on one answer at a time, so `all` is a small
 * scheduler: it runs each sub-plan until it has to wait, parks that wait, and forwards a
 * single action of its own for all of them — the earliest sleep, or one pods wait cut at
 * the next other deadline — resuming each sub-plan with its own answer. Steps stay one
 * list that partitions time (reports read `rollout.steps` that way): each time simulated
 * time may pass (the scheduler waits, or, with `routingWaits`, a routing change goes out),
 * a new step begins if the running sub-plans' current steps changed, named
 * after all of them, `api: rolling update + web: rolling update`. Sampling there, not at
 * each sub-plan's step, keeps steps that start together (or a step of a sub-plan that
 * ends at once) from leaving zero-length steps; nothing is dropped between two actions at
 * one instant, so no drop changes step.
 *
 * Limits, by construction: a platform answers one wait at a time, so with several
 * sub-plans waiting for pods at once one of them is answered exactly and the others are
 * checked every POLL_MS (seen at most that late); an action a platform takes time to
 * answer (a routing change under `release.routing`) holds the other sub-plans that long.
 * A step that starts and ends at one instant (Argo's `promote` between two waits) is
 * folded into the next: nothing can be dropped in it.
 */
import { now, sleepUntil, waitReady, type Action, type Plan } from './protocol.ts';

export interface AllOptions<R> {
  /** Told of each sub-plan's end (at that time, before any other sub-plan moves on). */
  onEnd?: (i: number, result: R, tracks: Tracks<R>) => void;
  /**
   * The platform may take time to answer a routing change (`release.routing`): each is
   * then held until every sub-plan has moved and the step is named before it, so the wait
   * counts in the right step. Without, routing changes pass straight through like every
   * other instant action, and steps are only named when time passes: no zero-length ones.
   */
  routingWaits?: boolean;
}

/** Lets a plan's end change the others (`onFailure: rollback-all`). */
export interface Tracks<R> {
  /** Sub-plan i's result, or undefined while it runs. */
  result(i: number): R | undefined;
  /** Drops sub-plan i (running or finished) and runs `plan` in its place from now on. */
  replace(i: number, plan: Plan<R>): void;
}

/** How often the sub-plans waiting for pods beside the one answered exactly are checked, ms. */
export const POLL_MS = 100;

/** The joiner of the running sub-plans' step names in one step's name. */
export const STEP_JOIN = ' + ';

/**
 * Runs `plans` at the same time and returns their results in order. Outcome actions pass
 * through; callers usually take them out of the sub-plans first.
 */
export function* all<R>(plans: Plan<R>[], opts: AllOptions<R> = {}): Plan<R[]> {
  const { onEnd, routingWaits = false } = opts;
  const tracks: Track<R>[] = plans.map((plan) => ({ plan, step: null, answer: undefined, wait: RUN, done: false, result: undefined }));
  const control: Tracks<R> = {
    result: (i) => tracks[i].result,
    replace: (i, plan) => {
      const t = tracks[i];
      if (!t.done) t.plan.return(undefined as R);
      Object.assign(t, { plan, step: null, answer: undefined, wait: RUN, done: false, result: undefined });
    },
  };
  let shown = '';
  for (;;) {
    // Every sub-plan that can go on goes on until it waits or ends.
    for (let i = 0; i < tracks.length; i++) {
      const t = tracks[i];
      if (t.done || t.wait !== RUN) continue;
      const end = yield* advance(t, routingWaits);
      if (end) { onEnd?.(i, t.result as R, control); i = -1; } // a replacement may run again
    }
    if (tracks.every((t) => t.done)) return tracks.map((t) => t.result as R);

    // Wake every sub-plan whose wait is over at this instant before anything is named.
    const t0 = yield* now();
    let woke = false;
    for (const t of tracks) {
      if (t.done) continue;
      const w = t.wait;
      if (w.kind === 'at' && w.at <= t0) { t.wait = RUN; woke = true; }
      if (w.kind === 'ready') {
        // A wait with no time left is a check, by the platform's own rule.
        const ok = yield* waitReady(w.service, w.version, w.replicas, 0);
        if (ok || t0 >= w.deadline) { t.answer = ok; t.wait = RUN; woke = true; }
      }
    }
    if (woke) continue;

    // Time may pass from here on: the step is named for every sub-plan now.
    const name = tracks.filter((t) => !t.done && t.step !== null).map((t) => t.step).join(STEP_JOIN);
    if (name !== '' && name !== shown) { shown = name; yield { do: 'step', name }; }

    const fwd = tracks.find((t) => !t.done && t.wait.kind === 'forward');
    if (fwd) { fwd.answer = yield (fwd.wait as Forward).action; fwd.wait = RUN; continue; }

    const waits = tracks.filter((t) => !t.done).map((t) => t.wait as Timed); // none runs, none forwards
    const next = Math.min(...waits.map((w) => (w.kind === 'at' ? w.at : w.deadline)));
    const pods = tracks.filter((t) => !t.done && t.wait.kind === 'ready');
    if (pods.length === 0) { yield* sleepUntil(next); continue; }
    const w = pods[0].wait as Ready;
    const until = pods.length > 1 ? Math.min(next, t0 + POLL_MS) : next;
    if (yield* waitReady(w.service, w.version, w.replicas, Math.max(0, until - t0))) { pods[0].answer = true; pods[0].wait = RUN; }
  }
}

interface Track<R> {
  plan: Plan<R>;
  /** The name of the sub-plan's current step. */
  step: string | null;
  answer: unknown;
  wait: Wait;
  done: boolean;
  result: R | undefined;
}

interface Forward { kind: 'forward'; action: Action }
interface At { kind: 'at'; at: number }
interface Ready { kind: 'ready'; service: string; version: string; replicas: number; deadline: number }
type Timed = At | Ready;
type Wait = { kind: 'run' } | Forward | Timed;
const RUN: Wait = { kind: 'run' };

/** Routing changes: what a platform may take time to answer (`release.routing`). */
const ROUTING: ReadonlySet<Action['do']> = new Set(['setWeights', 'setRoutes', 'setLanes', 'markDown']);

/**
 * Runs one sub-plan until it waits (parked in `t.wait`) or ends (true). Its steps only
 * rename its part of the shared step; the scheduler starts that step when time may pass.
 */
function* advance<R>(t: Track<R>, routingWaits: boolean): Plan<boolean> {
  for (;;) {
    const it = t.plan.next(t.answer);
    t.answer = undefined;
    if (it.done) { t.done = true; t.result = it.value; return true; }
    const a: Action = it.value;
    if (a.do === 'step') { t.step = a.name; continue; }
    switch (a.do) {
      case 'sleep': t.wait = { kind: 'at', at: (yield* now()) + a.ms }; return false;
      case 'sleepUntil': t.wait = { kind: 'at', at: a.atMs }; return false;
      case 'waitReady': t.wait = { kind: 'ready', service: a.service, version: a.version, replicas: a.replicas, deadline: (yield* now()) + a.timeoutMs }; return false;
      default:
        if (routingWaits && ROUTING.has(a.do)) { t.wait = { kind: 'forward', action: a }; return false; }
        t.answer = yield a;
    }
  }
}
