// The harness ceiling `relsim bench` reports: autocannon against a trivial backend, direct
// and through nginx. Rates are machine-dependent, so only their sense is checked: both
// measured (> 0) and the proxy hop costs something (an nginx faster than going direct
// would mean the two figures measured different things).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { measureCeiling } from '../../bench/replay/ceiling.ts';
import { requireProxy } from './helpers.ts';

test('ceiling: direct and via-nginx rates are both measured, and nginx is the slower path', async () => {
  requireProxy('nginx');
  const { directRps, viaNginxRps } = await measureCeiling({ seconds: 1 });
  console.log(`ceiling (1 s each): direct ${Math.round(directRps)} req/s, via nginx ${Math.round(viaNginxRps)} req/s`);
  assert.ok(directRps > 100, `direct ${directRps}`);
  assert.ok(viaNginxRps > 100, `via nginx ${viaNginxRps}`);
  assert.ok(viaNginxRps < directRps, `via nginx ${viaNginxRps} vs direct ${directRps}`);
});

test.run();
