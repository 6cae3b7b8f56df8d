/**
 * The action vocabulary strategies speak, and the platform interface that answers it.
 *
 * A strategy is a generator (a `Plan`) that yields Actions and receives answers. It never
 * reads a clock, a socket or a random source of its own, so the simulator (sim/sim-platform.ts) can run it
 * synchronously inside its event loop and the replay driver (replay/) can run the
 * very same code on a wall clock.
 *
 *   function* plan(ctx: StrategyContext): Plan {
 *     yield* step('scale up green');
 *     yield* scale('a', 'v2', 4);
 *     if (!(yield* waitReady('a', 'v2', 4))) return yield* outcome('rolled-back');
 *     yield* setWeights('a', { v2: 100 });
 *   }
 *
 * Use the helper generators below (`yield* scale(...)`) rather than yielding raw actions:
 * they give each answer its type.
 */
import type { LaneSpec, ReleaseSpec, Scenario, ServiceSpec, StrategySpec } from '../scenarios/types.ts';
import type { HeaderRoute, LoadTest, MirrorRoute, VersionState, WindowStats } from './protocol-types.ts';
import type { ApprovalBook } from './approvals.ts';

export type { HeaderRoute, LoadTest, MirrorRoute, VersionState, WindowStats };

export type Action =
  | { do: 'scale'; service: string; version: string; replicas: number }
  | { do: 'setWeights'; service: string; weights: Record<string, number> | null }
  | { do: 'setRoutes'; service: string; routes: HeaderRoute[] }
  /** Copies a share of the service's other traffic to `version` (responses discarded); null removes it. */
  | { do: 'setMirror'; service: string; mirror: MirrorRoute | null }
  /** Synthetic requests straight to a version, never users' (a load tester); null stops them. */
  | { do: 'setLoadTest'; service: string; load: LoadTest | null }
  | { do: 'setLanes'; lanes: LaneSpec[]; mode: 'permissive' | 'strict' }
  | { do: 'markDown'; service: string; version: string; count: number; down: boolean }
  | { do: 'sleep'; ms: number }
  /** Sleeps until simulated time `atMs` (at once when it has passed): a time the scenario names. */
  | { do: 'sleepUntil'; atMs: number }
  /** The platform's scenario time, ms (for a plan cut short at a time the scenario names). */
  | { do: 'now' }
  /** A uniform draw in [0, 1) from the platform's seeded stream of that name (a plan has no random source of its own). */
  | { do: 'draw'; stream: string }
  | { do: 'waitReady'; service: string; version: string; replicas: number; timeoutMs: number }
  | { do: 'state'; service: string }
  | { do: 'metrics'; service: string; version: string; windowMs: number }
  | { do: 'step'; name: string }
  | { do: 'outcome'; outcome: 'promoted' | 'rolled-back' }
  | { do: 'log'; message: string };

export type Plan<R = void> = Generator<Action, R, unknown>;

/** Everything a strategy knows about its release. */
export interface StrategyContext {
  scenario: Scenario;
  release: ReleaseSpec;
  /** The service this plan releases (a multi-service release runs one plan per service, in turn or at once). */
  service: ServiceSpec;
  from: string;
  to: string;
  /** Replicas of `from` when the release starts. */
  replicas: number;
  strategy: StrategySpec;
  /**
   * The release's approvals not yet used, shared by every service of one release (see
   * approvals.ts); made from `release.approvals` when a context has none.
   */
  approvals?: ApprovalBook;
}

/** Executes one action; calls `resume` with the answer, now or later. */
export interface Platform {
  execute(action: Action, resume: (answer: unknown) => void): void;
}

// ---- typed helpers -------------------------------------------------------------------

export function* scale(service: string, version: string, replicas: number): Plan {
  yield { do: 'scale', service, version, replicas };
}
export function* setWeights(service: string, weights: Record<string, number> | null): Plan {
  yield { do: 'setWeights', service, weights };
}
export function* setRoutes(service: string, routes: HeaderRoute[]): Plan {
  yield { do: 'setRoutes', service, routes };
}
export function* setMirror(service: string, mirror: MirrorRoute | null): Plan {
  yield { do: 'setMirror', service, mirror };
}
export function* setLoadTest(service: string, load: LoadTest | null): Plan {
  yield { do: 'setLoadTest', service, load };
}
export function* draw(stream: string): Plan<number> {
  return (yield { do: 'draw', stream }) as number;
}
export function* setLanes(lanes: LaneSpec[], mode: 'permissive' | 'strict'): Plan {
  yield { do: 'setLanes', lanes, mode };
}
export function* markDown(service: string, version: string, count: number, down = true): Plan {
  yield { do: 'markDown', service, version, count, down };
}
export function* sleep(ms: number): Plan {
  yield { do: 'sleep', ms };
}
export function* sleepUntil(atMs: number): Plan {
  yield { do: 'sleepUntil', atMs };
}
export function* now(): Plan<number> {
  return (yield { do: 'now' }) as number;
}
/** True when `replicas` of the version are available before the timeout. */
export function* waitReady(service: string, version: string, replicas: number, timeoutMs = 600_000): Plan<boolean> {
  return (yield { do: 'waitReady', service, version, replicas, timeoutMs }) as boolean;
}
export function* state(service: string): Plan<Record<string, VersionState>> {
  return (yield { do: 'state', service }) as Record<string, VersionState>;
}
export function* metrics(service: string, version: string, windowMs: number): Plan<WindowStats> {
  return (yield { do: 'metrics', service, version, windowMs }) as WindowStats;
}
/** Starts a named step; drops are attributed to the step active when they happen. */
export function* step(name: string): Plan {
  yield { do: 'step', name };
}
export function* outcome(o: 'promoted' | 'rolled-back'): Plan {
  yield { do: 'outcome', outcome: o };
}
export function* log(message: string): Plan {
  yield { do: 'log', message };
}

/**
 * Runs a plan against a platform: feeds each answer back into the generator. Calls
 * `done` when the plan returns (or `fail` if it throws).
 */
export function drive(plan: Plan<unknown>, platform: Platform, done: () => void, fail: (e: unknown) => void = (e) => { throw e; }): void {
  const advance = (answer: unknown): void => {
    // Synchronous answers are fed back in a loop rather than by recursion, so a long
    // plan of instant actions cannot grow the stack.
    let value = answer;
    for (;;) {
      let it: IteratorResult<Action, unknown>;
      try {
        it = plan.next(value);
      } catch (e) {
        fail(e);
        return;
      }
      if (it.done) { done(); return; }
      let sync = true;
      let syncAnswer: unknown;
      let answered = false;
      platform.execute(it.value, (a) => {
        if (sync) { answered = true; syncAnswer = a; } else advance(a);
      });
      sync = false;
      if (!answered) return;
      value = syncAnswer;
    }
  };
  advance(undefined);
}
