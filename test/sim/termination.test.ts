// Mechanism checks for the offline side: the deregistration race, poll staleness,
// proactive notification, retries — each cause appears in a minimal scenario and goes
// away with its documented countermeasure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replaceAll, conserved, deregistrationRace as four } from './helpers.ts';


test('deregistration race: preStop 0 drops refused; preStop 6s (> max propagation 5s) drops nothing', () => {
  const racy = replaceAll(four({}), 'api');
  assert.ok(racy.requests.byCause.refused > 0, `refused ${racy.requests.byCause.refused}`);
  assert.ok(conserved(racy));
  // the simulator knows how stale the slowest caller was: within the 1–5 s push delay
  assert.ok(racy.meta!.maxStaleSendMs! > 0 && racy.meta!.maxStaleSendMs! <= 5000, `stale ${racy.meta!.maxStaleSendMs}`);
  const tuned = replaceAll(four({ preStop: '6s' }), 'api');
  assert.is(tuned.requests.byCause.refused, 0);
  assert.is(tuned.requests.byCause.reset, 0);
  assert.is(tuned.requests.dropped, 0);
});

test('abrupt stop with work in flight at SIGTERM resets it; graceful drain does not', () => {
  // preStop 0: traffic is still arriving at SIGTERM, so there is work in flight to lose
  const abrupt = replaceAll(four({ shutdown: 'abrupt', service: '{exponential: {mean: 80ms}}' }), 'api');
  const graceful = replaceAll(four({ shutdown: 'graceful', service: '{exponential: {mean: 80ms}}' }), 'api');
  assert.ok(abrupt.requests.byCause.reset > 0, `reset ${abrupt.requests.byCause.reset}`);
  assert.is(graceful.requests.byCause.reset, 0);
});

test('hard kill at the grace period resets requests still in flight', () => {
  // preStop 6 s, grace 6.5 s: requests of ~2 s are still running at the SIGKILL
  const r = replaceAll(four({ preStop: '6s', grace: 6.5, service: '2s' }), 'api');
  assert.ok(r.requests.byCause.reset > 0, `reset ${r.requests.byCause.reset}`);
});

test('poll staleness: drops per replaced instance grow with the poll interval (10 s vs 30 s)', () => {
  const per = (interval: string) => {
    let total = 0;
    for (const seed of [1, 2, 3, 4]) total += replaceAll(four({ registry: `{poll: {interval: ${interval}}}` }), 'api', seed).requests.byCause.refused;
    return total / 4 / 4;
  };
  const d10 = per('10s'), d30 = per('30s');
  // mean staleness is half an interval: 5 s vs 15 s → about 3× the refused requests
  assert.ok(d10 > 0, `10 s: ${d10}`);
  const ratio = d30 / d10;
  assert.ok(ratio > 2 && ratio < 4.5, `30 s / 10 s drops ratio ${ratio.toFixed(2)} (${d30} vs ${d10})`);
});

test('proactive notification cuts refused', () => {
  const base = replaceAll(four({ preStop: '1s' }), 'api').requests.byCause.refused;
  const notified = replaceAll(four({ preStop: '1s', extra: 'proactiveNotification: true' }), 'api').requests.byCause.refused;
  assert.ok(base > 0, `base ${base}`);
  assert.ok(notified < base / 2, `notified ${notified} vs ${base}`);
});

test('retries on connect failure hide refused; without retries they show', () => {
  // nginx's default: as many tries as peers (4), so every stale peer can be skipped
  const off = replaceAll(four({ client: '{lb: round-robin, retry: {attempts: 0}}' }), 'api');
  const on = replaceAll(four({ client: '{lb: round-robin, retry: {attempts: 3, on: [connect-failure]}}' }), 'api');
  const timeoutOnly = replaceAll(four({ client: '{lb: round-robin, retry: {attempts: 3, on: [timeout]}}' }), 'api');
  assert.ok(timeoutOnly.requests.byCause.refused > 0, 'retrying only timeouts must not hide refused');
  assert.ok(off.requests.byCause.refused > 0);
  assert.is(on.requests.byCause.refused, 0);
  assert.ok(conserved(on) && conserved(off));
});

test.run();
