/**
 * When the kubelet restarts a crashed container (CrashLoopBackOff), as both platforms
 * apply it to a version with `crashAfter`.
 *
 * The kubelet's per-container back-off (pkg/kubelet/kuberuntime, flowcontrol.Backoff with
 * 10 s initial and 300 s cap): the first restart goes at once, each later one waits twice
 * as long as the one before, from 10 s up to 5 min; a container that ran for 10 min
 * before crashing starts the sequence over.
 */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_AFTER_MS = 600_000;

/**
 * The wait before restart number `restart` (1 for the first restart of this back-off
 * sequence), ms.
 */
export function restartDelay(restart: number): number {
  if (restart <= 1) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(restart - 2, 30));
}

/**
 * The restart number a crash leads to: the run that just ended lasted `ranMs`; after
 * `previous` restarts in the current sequence.
 */
export function nextRestart(previous: number, ranMs: number): number {
  return ranMs >= BACKOFF_RESET_AFTER_MS ? 1 : previous + 1;
}
