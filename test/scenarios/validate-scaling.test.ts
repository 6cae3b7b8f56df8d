/**
 * Validation time grows linearly with the file: a map four times larger takes about four
 * times as long, not sixteen. yaml's own duplicate-key check compared every key with every
 * earlier one (50,000 keys: 32 s), and so would a quadratic "did you mean". Measured as a
 * ratio of two sizes in the same process, so the machine's speed cancels out.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';

function bigMap(keys: number, where: 'top' | 'services'): string {
  const lines = ['duration: 1m', 'traffic: {rate: 1}', 'services:', '  a: {serviceTime: 1ms}'];
  if (where === 'services') for (let i = 0; i < keys; i++) lines.push(`  s${i}: {serviceTime: 1ms, calls: [a]}`);
  else { lines.push('extra:'); for (let i = 0; i < keys; i++) lines.push(`  k${i}: 1`); }
  return lines.join('\n');
}

/** Best of two, in ms: the least disturbed measurement of the same work. */
function timeToRefuseOrLoad(text: string): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    try { parseScenario(text, 'x.yaml'); } catch { /* refused is fine: the time is what counts */ }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

for (const where of ['top', 'services'] as const) {
  test(`a ${where === 'top' ? 'top-level' : 'services'} map of 16,000 keys takes ≤ 8× the time of 4,000 (linear: 4×, quadratic: 16×)`, () => {
    timeToRefuseOrLoad(bigMap(500, where)); // warm the JIT on the same path
    const small = timeToRefuseOrLoad(bigMap(4000, where));
    const large = timeToRefuseOrLoad(bigMap(16_000, where));
    assert.ok(large / small <= 8, `4,000 keys: ${small.toFixed(0)} ms, 16,000 keys: ${large.toFixed(0)} ms (${(large / small).toFixed(1)}×)`);
  });
}

test.run();
