// test:exclusive (compares two throughputs; another test file running beside it skews them)
// The harness ceiling `relsim bench` reports: autocannon against a trivial backend, direct
// and through nginx. Rates are machine-dependent, so no threshold: only that both were
// measured and that the proxy hop costs something. Going through nginx is the same work
// plus a hop; the figures came out the other way round only while the first (direct) run
// paid the backend's JIT warm-up, which this ordering check caught (2 runs in 3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { measureCeiling } from '../../bench/harness-ceiling.ts';
import { requireProxy } from '../replay/helpers.ts';

test('ceiling: direct and via-nginx rates are both measured, and nginx is the slower path', async () => {
  requireProxy('nginx');
  const { directRps, viaNginxRps } = await measureCeiling({ seconds: 1 });
  console.log(`ceiling (1 s each): direct ${Math.round(directRps)} req/s, via nginx ${Math.round(viaNginxRps)} req/s`);
  assert.ok(directRps > 0, `direct ${directRps}`);
  assert.ok(viaNginxRps > 0, `via nginx ${viaNginxRps}`);
  assert.ok(viaNginxRps < directRps, `via nginx ${viaNginxRps} vs direct ${directRps}`);
});

test.run();
