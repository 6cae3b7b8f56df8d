/**
 * Slow-start (warmup) weight curves, as a fraction of full weight in (0, 1], from the
 * source code of each system (Dubbo, Envoy, HAProxy, as cited per function below).
 *
 * `age` is the time since the clock of that system starts: Dubbo and the high-order curve
 * count the provider's uptime; Envoy and HAProxy count from when the endpoint joined the
 * balancer (or passed its health check).
 */

/** A slow-start curve as the scenario states it; `window` in ms. */
export type SlowStartSpec =
  | { mode: 'dubbo'; window: number; weight: number }
  | { mode: 'envoy'; window: number; aggression: number; minWeightPercent: number }
  | { mode: 'haproxy'; window: number }
  | { mode: 'curve'; window: number; exponent: number };

/** HAProxy's BE_WEIGHT_SCALE: the dynamic algorithms' wdiv (eweight = uweight × 16 at full). */
const HAPROXY_WEIGHT_SCALE = 16;

export function slowStartFactor(spec: SlowStartSpec, age: number): number {
  const W = spec.window;
  if (!(W > 0)) return 1;
  if (spec.mode === 'haproxy') return haproxyFactor(W, age);
  if (age >= W) return 1;
  switch (spec.mode) {
    case 'dubbo': {
      // ww = (int)(uptime / (warmup / weight)); w = clamp(ww, 1, weight)
      const weight = spec.weight;
      const ww = Math.floor(age / (W / weight));
      return Math.min(Math.max(ww, 1), weight) / weight;
    }
    case 'envoy': {
      // f = max(1 ms, d) / W; w = max(a == 1 ? f : f^(1/a), min_weight_percent)
      const f = Math.max(1, age) / W;
      const a = spec.aggression > 0 ? spec.aggression : 1;
      const curved = a === 1 ? f : Math.pow(f, 1 / a);
      return Math.max(curved, spec.minWeightPercent / 100);
    }
    case 'curve': {
      // Sermant / MSE high-order: w = clamp(round((t/T)^c * 100), 1, 100)
      const w = Math.round(Math.pow(age / W, spec.exponent) * 100);
      return Math.min(Math.max(w, 1), 100) / 100;
    }
  }
}

/**
 * How long after its clock starts an endpoint reaches full weight, ms (0: no slow start).
 * HAProxy stores the window in whole seconds, rounded up, so its ramp can outlast the
 * configured window.
 */
export function slowStartSpan(spec: SlowStartSpec | null): number {
  if (spec === null || !(spec.window > 0)) return 0;
  return spec.mode === 'haproxy' ? haproxyWindowSeconds(spec.window) * 1000 : spec.window;
}

/**
 * HAProxy server_recalc_eweight (src/server.c), for dynamic algorithms while the server
 * is STARTING, all in unsigned integer arithmetic:
 *
 *   w       = (wdiv * (now_s - last_change) + slowstart) / slowstart
 *   eweight = (uweight * w + wmult - 1) / wmult
 *
 * with wdiv = BE_WEIGHT_SCALE = 16 and wmult = 1 (set by lb_fwrr.c / lb_fwlc.c), times in
 * whole seconds and slowstart = (ms + 999) / 1000 (cfgparse). Full weight is uweight × 16,
 * so the fraction is w / 16: 1/16 at the start (the same as the w = 1 used on leaving
 * STOPPED), 9/16 at 15 s of 30 s, full from `slowstart` seconds on (or when the clock is
 * behind last_change). `age` is floored to whole seconds since the endpoint joined.
 */
function haproxyFactor(windowMs: number, age: number): number {
  const S = haproxyWindowSeconds(windowMs);
  const sec = Math.floor(age / 1000);
  if (sec < 0 || sec >= S) return 1;
  return Math.floor((HAPROXY_WEIGHT_SCALE * sec + S) / S) / HAPROXY_WEIGHT_SCALE;
}

function haproxyWindowSeconds(windowMs: number): number {
  return Math.ceil(windowMs / 1000);
}
