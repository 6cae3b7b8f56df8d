/**
 * Slow-start (warmup) weight curves, as a fraction of full weight in (0, 1], from the
 * source code of each system (../shared/research/lossless-mechanics.md, B4).
 *
 * `age` is the time since the clock of that system starts: Dubbo and the high-order curve
 * count the provider's uptime; Envoy and HAProxy count from when the endpoint joined the
 * balancer (or passed its health check).
 */
import type { SlowStartSpec } from '../../scenarios/types.ts';

export function slowStartFactor(spec: SlowStartSpec, age: number): number {
  const W = spec.window;
  if (!(W > 0) || age >= W) return 1;
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
    case 'haproxy': {
      // eweight = ceil(uweight * (elapsed + slowstart)/slowstart ... ) ≈ linear, integer
      // seconds, from 1/uweight; modelled with HAProxy's default uweight scale of 256.
      const sec = Math.floor(age / 1000);
      const frac = Math.ceil((256 * sec) / (W / 1000)) / 256;
      return Math.min(1, Math.max(frac, 1 / 256));
    }
    case 'curve': {
      // Sermant / MSE high-order: w = clamp(round((t/T)^c * 100), 1, 100)
      const w = Math.round(Math.pow(age / W, spec.exponent) * 100);
      return Math.min(Math.max(w, 1), 100) / 100;
    }
  }
}
