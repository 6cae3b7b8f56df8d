import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { benchMmc } from '../../bench/mmc.ts';
import { benchHold } from '../../bench/hold.ts';
import { erlangC } from '../../bench/erlang.ts';

test('M/M/8 bench model matches Erlang-C mean wait within 3% (4 seeds × 1M customers)', () => {
  const exact = erlangC(8, 6.4, 1).wq;
  const waits = [1, 2, 3, 4].map((seed) =>
    benchMmc({ c: 8, lambda: 6.4, mu: 1, customers: 1e6, warmupCustomers: 2e4, seed }).meanWait);
  const mean = waits.reduce((s, x) => s + x, 0) / waits.length;
  assert.ok(Math.abs(mean - exact) / exact < 0.03, `mean wait ${mean} vs Erlang-C ${exact} (${waits.join(', ')})`);
});

test('M/M/c result: events ≈ 2 per customer, rates consistent with wall time, same seed same wait', () => {
  const opts = { c: 4, lambda: 3, mu: 1, customers: 5e4, warmupCustomers: 5e3, seed: 7 };
  const a = benchMmc(opts);
  const b = benchMmc(opts);
  assert.is(a.meanWait, b.meanWait);
  assert.is(a.erlangWait, erlangC(4, 3, 1).wq);
  assert.ok(Math.abs(a.events / a.customers - 2) < 0.01, `${a.events} events for ${a.customers} customers`);
  assert.ok(Math.abs(a.customers - 5e4) < 5 * Math.sqrt(5e4), `customers ${a.customers}`);
  const seconds = a.wallMs / 1000;
  assert.ok(Math.abs(a.eventsPerSec * seconds - a.events) < 1e-6 * a.events);
  assert.ok(Math.abs(a.customersPerSec * seconds - a.customers) < 1e-6 * a.customers);
  assert.is(a.rho, 0.75);
});

test('a different seed gives a different sample path', () => {
  const base = { c: 2, lambda: 1.5, mu: 1, customers: 2e4, warmupCustomers: 1e3 };
  assert.not.equal(benchMmc({ ...base, seed: 1 }).meanWait, benchMmc({ ...base, seed: 2 }).meanWait);
});

test('hold model keeps exactly N pending and dispatches about the requested events', () => {
  for (const pending of [100, 5000]) {
    const r = benchHold({ pending, events: 2e5, warmupEvents: 1e4, seed: 3 });
    assert.is(r.pendingAtEnd, pending);
    assert.ok(Math.abs(r.events - 2e5) < 0.05 * 2e5, `${r.events} events`);
    assert.ok(r.nsPerOp > 0 && Number.isFinite(r.nsPerOp));
    assert.ok(Math.abs(r.nsPerOp * r.eventsPerSec - 1e9) < 1, 'ns/op and events/s describe the same rate');
  }
});

test.run();
