/**
 * The rollout's steps as both platforms record them: a step runs from its `step` action
 * to the next one; when the plan returns, whatever drops it still causes (callers that
 * have not yet heard the last old instances left) fall into an `after rollout` step
 * that runs to the end of the run. The rollout ends when the plan returns, not when it
 * announces its outcome: a canary's "scale down stable" after promotion is rollout time.
 */
export type Outcome = 'promoted' | 'rolled-back' | 'none';

export interface LoggedStep {
  name: string;
  startMs: number;
  /** −1 while running. */
  endMs: number;
}

export const AFTER_ROLLOUT = 'after rollout';

export class StepLog {
  readonly steps: LoggedStep[] = [];
  rolloutStartMs = -1;
  rolloutEndMs = -1;
  outcome: Outcome = 'none';

  /** Starts a step at `nowMs`; returns its index (drops are counted per index). */
  begin(name: string, nowMs: number): number {
    if (this.rolloutStartMs < 0) this.rolloutStartMs = nowMs;
    this.close(nowMs);
    this.steps.push({ name, startMs: nowMs, endMs: -1 });
    return this.steps.length - 1;
  }

  /** The plan returned. Returns the index of the `after rollout` step, or −1 when the plan had no steps. */
  planFinished(nowMs: number): number {
    if (this.rolloutStartMs < 0) this.rolloutStartMs = nowMs;
    this.rolloutEndMs = nowMs;
    return this.steps.length > 0 ? this.begin(AFTER_ROLLOUT, nowMs) : -1;
  }

  /** Ends the running step (the run is over, or the next one begins). */
  close(nowMs: number): void {
    const last = this.steps[this.steps.length - 1];
    if (last && last.endMs < 0) last.endMs = nowMs;
  }
}
