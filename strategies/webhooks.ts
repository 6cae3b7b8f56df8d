/**
 * Flagger's webhooks as a plan meets them (`strategy.webhooks`, canary and A/B). Each hook
 * answers a yes/no question the way the scenario says (scenarios/types.ts WebhookSpec):
 * from its time `at` on, or by a seeded draw with its `probability` at each call.
 *
 *   gates     confirm-rollout (before the new version is deployed), confirm-traffic-increase
 *             (before each weight increase), confirm-promotion (before promotion): the plan
 *             waits, asking again every analysis interval, until every gate of the type is
 *             open; one that can never open pauses the release for good.
 *   checks    pre-rollout (before traffic reaches the new version), rollout (every interval,
 *             before the metrics): a failure is a failed check toward the threshold, and
 *             the interval's metrics are not queried (Flagger's order).
 *   rollback  asked every interval; a yes rolls the release back.
 *   post-rollout  after promotion or rollback; a failure changes nothing, it is a step.
 *   load test a rollout hook with `loadTest`: synthetic requests to the new version while it
 *             is analysed (the platform counts them apart from users').
 *
 * The strategy owns the failure count (metrics and hooks share it) and the interval's
 * cadence; this class only asks the hooks and names what happened.
 */
import type { WebhookSpec, WebhookType } from '../scenarios/types.ts';
import { draw, log, now, setLoadTest, sleep, step, type Plan, type StrategyContext } from './protocol.ts';
import { formatMs } from './common.ts';

/** Flagger's analysis interval when nothing else sets one. */
export const FLAGGER_INTERVAL_MS = 60_000;

export type GateHalt = 'aborted' | 'paused';

export class Webhooks {
  /** Why the release is being rolled back by a hook (for the rollback step's name), or null. */
  rollbackWhy: string | null = null;
  private loadTesting = false;
  private checkFailures = 0;
  /** The last failed check, named, for a rollback it may cause. */
  private lastCheck = '';

  constructor(private readonly ctx: StrategyContext, private readonly hooks: readonly WebhookSpec[], readonly interval: number) {}

  /** Hooks called at every interval (rollout checks, rollback triggers): the plan must tick for them. */
  get ticking(): boolean {
    return this.hooks.some((h) => h.type === 'rollout' || h.type === 'rollback');
  }

  get isLoadTesting(): boolean {
    return this.loadTesting;
  }

  /** Whether one call of hook h answers yes now. */
  private *answers(h: WebhookSpec): Plan<boolean> {
    if (h.at !== null && (yield* now()) >= h.at) return true;
    if (h.probability <= 0) return false;
    return (yield* draw(`hook/${this.ctx.service.name}/${h.name}`)) < h.probability;
  }

  /** Calls the hooks of a type in order; the first that answers yes (Flagger stops there), or null. */
  private *firstYes(type: WebhookType): Plan<WebhookSpec | null> {
    for (const h of this.hooks) if (h.type === type && (yield* this.answers(h))) return h;
    return null;
  }

  /** The first gate of the type that is closed now (not yet open), or null: all open. */
  private *firstClosed(type: WebhookType): Plan<WebhookSpec | null> {
    for (const h of this.hooks) if (h.type === type && !(yield* this.answers(h))) return h;
    return null;
  }

  /**
   * Waits at the gates of `type`: asks now, then again after each `wait(interval)` (the
   * strategy's interval of checks, which goes on meanwhile). null once open, or the halt
   * (a rollback during the wait; paused when a closed gate can never open and nothing
   * else can end the wait).
   */
  *gate(type: WebhookType, wait: (ms: number) => Plan<GateHalt | null>): Plan<GateHalt | null> {
    let waiting: WebhookSpec | null = null;
    for (;;) {
      const closed = yield* this.firstClosed(type);
      if (closed === null) {
        if (waiting !== null) yield* step(`${type} gate open at ${formatMs(yield* now())}`);
        return null;
      }
      if (closed !== waiting) {
        const never = closed.at === null && closed.probability <= 0;
        yield* step(never ? `paused (${type} "${closed.name}" never opens)` : `paused (${type} "${closed.name}")`);
        if (never && !this.hooks.some((h) => h.type === 'rollback')) {
          yield* sleep(this.ctx.scenario.duration + 1);
          return 'paused';
        }
        waiting = closed;
      }
      const halt = yield* wait(this.interval);
      if (halt) return halt;
    }
  }

  /** Asks the rollback hooks; true (and the reason kept) when one asks for a rollback. */
  *rollbackAsked(): Plan<boolean> {
    const h = yield* this.firstYes('rollback');
    if (h === null) return false;
    this.rollbackWhy = `rollback hook "${h.name}" at ${formatMs(yield* now())}`;
    return true;
  }

  /** Calls the checks of a type; the one that failed (logged), or null when all passed. */
  *failedCheck(type: 'pre-rollout' | 'rollout'): Plan<WebhookSpec | null> {
    const h = yield* this.firstYes(type);
    if (h !== null) {
      this.checkFailures++;
      this.lastCheck = `${type} hook "${h.name}" failed (${this.checkFailures} failed hook call${this.checkFailures === 1 ? '' : 's'})`;
      yield* log(`${type} hook "${h.name}" failed`);
    }
    return h;
  }

  /**
   * pre-rollout checks before traffic reaches the new version: asked again every interval
   * while one fails; `failed()` counts each failure and says when the threshold is reached.
   */
  *preRollout(failed: () => boolean, wait: (ms: number) => Plan<GateHalt | null>): Plan<GateHalt | null> {
    if (!this.hooks.some((h) => h.type === 'pre-rollout')) return null;
    while ((yield* this.failedCheck('pre-rollout')) !== null) {
      if (failed()) { this.blameCheck(); return 'aborted'; }
      const halt = yield* wait(this.interval);
      if (halt) return halt;
    }
    return null;
  }

  /** Starts the load tests on `version` (their rates add up), once, when there are any. */
  *startLoadTest(version: string): Plan {
    const rate = this.hooks.reduce((sum, h) => sum + (h.loadTest?.rate ?? 0), 0);
    if (rate <= 0 || this.loadTesting) return;
    this.loadTesting = true;
    yield* setLoadTest(this.ctx.service.name, { version, rate });
  }

  *stopLoadTest(): Plan {
    if (!this.loadTesting) return;
    this.loadTesting = false;
    yield* setLoadTest(this.ctx.service.name, null);
  }

  /** post-rollout hooks after promotion or rollback: a failure changes nothing; it is named as a step. */
  *postRollout(): Plan {
    for (const h of this.hooks) {
      if (h.type === 'post-rollout' && (yield* this.answers(h))) yield* step(`post-rollout hook "${h.name}" failed (changes nothing)`);
    }
  }

  /** The last failed check took the release over its threshold: it names the rollback. */
  blameCheck(): void {
    this.rollbackWhy = this.lastCheck;
  }

  /** A rollback step's name: with the hook that caused it, when one did. */
  rollbackStep(): string {
    return this.rollbackWhy === null ? 'rollback' : `rollback (${this.rollbackWhy})`;
  }
}

/** Waits `ms` asking only the rollback hooks at the end (Flagger's Waiting state: no checks run). */
export function waitForRollback(hooks: Webhooks): (ms: number) => Plan<GateHalt | null> {
  return function* (ms: number) {
    yield* sleep(ms);
    return (yield* hooks.rollbackAsked()) ? 'aborted' : null;
  };
}
