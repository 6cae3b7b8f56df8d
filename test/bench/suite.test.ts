import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runBench } from '../../bench/suite.ts';
import { formatBench } from '../../bench/format.ts';

test('without references, RSS children or the chain: skipped sections say why, ratios are empty', async () => {
  const lines: string[] = [];
  const r = await runBench({ quick: true, references: false, rss: false, chain: false, log: (l) => lines.push(l) });
  assert.equal(r.mmc.cpp, { skipped: 'references not requested' });
  assert.equal(r.mmc.python, { skipped: 'references not requested' });
  assert.is(r.mmc.ratioVsCpp, null);
  assert.is(r.mmc.ratioVsSimpyEstimate, null);
  for (const h of r.hold) assert.is(h.ratioVsCpp, null);
  assert.equal(r.rss, { skipped: 'not requested' });
  assert.equal(r.chain, { skipped: 'not requested' });
  assert.ok(r.mmc.engine.customers > 0);
  assert.ok(lines.some((l) => l.includes('M/M/8')), 'progress names what runs');
  const text = formatBench(r);
  assert.match(text, /C\+\+ std::priority_queue\s+skipped: references not requested/);
  assert.match(text, /Chain model: skipped: not requested/);
  assert.match(text, /engine ÷ C\+\+ = — \(target ≥ 0\.5×\); on process CPU time per event: —\n/);
  assert.not.match(text, /NaN|undefined/);
  assert.match(text, /Harness ceiling: skipped: not requested/);
  // The shape bench/harness-ceiling.ts returns is rendered as figures, not raw JSON.
  const withCeiling = formatBench({ ...r, ceiling: { directRps: 30605, viaNginxRps: 17600 } });
  assert.match(withCeiling, /direct 30\.6k req\/s, through nginx 17\.6k req\/s/);
});

test.run();
