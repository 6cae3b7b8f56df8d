import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AnalysisRun, judgeWindow, percentileOf } from '../../../strategies/analysis/thresholds.ts';
import { analysis } from '../fixture.ts';
import { healthyWindow } from '../fake-platform.ts';

test('judgeWindow: success rate, latency percentile, too few requests', () => {
  const spec = analysis({ successRate: 0.99, latency: { p: 99, max: 100 }, minRequests: 20 });
  assert.is(judgeWindow(spec, healthyWindow(100, 10), null).result, 'success');
  assert.is(judgeWindow(spec, { ...healthyWindow(100, 10), ok: 90, errors: 10, successRate: 0.9 }, null).result, 'failure');
  assert.is(judgeWindow(spec, healthyWindow(100, 150), null).result, 'failure');
  assert.is(judgeWindow(spec, healthyWindow(10, 10), null).result, 'inconclusive');
});

test('percentile from the sample when not one of p50/p90/p99', () => {
  const w = { ...healthyWindow(100, 10), latencies: Array.from({ length: 100 }, (_, i) => i + 1) };
  assert.is(percentileOf(w, 95), 95);
  assert.is(percentileOf(w, 99), 10);
});

test('AnalysisRun: failureLimit, inconclusiveLimit and count as Argo counts them', () => {
  const run = new AnalysisRun(analysis({ count: 5, failureLimit: 1, inconclusiveLimit: 1 }));
  assert.is(run.record('failure'), 'running');
  assert.is(run.record('inconclusive'), 'running');
  assert.is(run.record('failure'), 'failed');
  const inc = new AnalysisRun(analysis({ count: 5, failureLimit: 1, inconclusiveLimit: 1 }));
  inc.record('inconclusive');
  assert.is(inc.record('inconclusive'), 'inconclusive');
  const ok = new AnalysisRun(analysis({ count: 3 }));
  assert.equal(['success', 'success', 'success'].map((m) => ok.record(m as 'success')), ['running', 'running', 'successful']);
});

test.run();
