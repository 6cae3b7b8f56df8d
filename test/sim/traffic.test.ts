// Arrivals and per-user matching (the cohorts behind A/B routes and lanes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Arrivals, Users } from '../../sim/model/traffic.ts';
import { RandomStreams } from '../../sim/kernel/random.ts';
import { scenario } from './helpers.ts';

const traffic = scenario(`
duration: 10s
services: {api: {serviceTime: 1ms}}
traffic:
  rate: 100
  users: 10000
  headers:
    - {name: x-canary, value: "1", fraction: 0.1}
    - {name: X-Region, value: eu, fraction: 0.3}
    - {name: x-region, value: us, fraction: 1}
`).traffic;

const share = (users: Users, rule: Parameters<Users['compile']>[0]) => {
  const m = users.compile(rule, 7);
  let n = 0;
  for (let u = 1; u <= 10000; u++) if (users.test(u, m)) n++;
  return n / 10000;
};

test('header cohorts are stable per user and have the configured size', () => {
  const users = new Users(traffic);
  assert.ok(Math.abs(share(users, { header: { name: 'x-canary', value: '1' } }) - 0.1) < 0.01);
  // header names are case-insensitive; a user's value is the first rule of that name it carries
  const eu = share(users, { header: { name: 'x-region', value: 'eu' } });
  const us = share(users, { cookie: { name: 'X-REGION', value: 'us' } });
  assert.ok(Math.abs(eu - 0.3) < 0.015, `eu ${eu}`);
  assert.ok(Math.abs(eu + us - 1) < 1e-9, `eu ${eu} + us ${us}`);
  assert.is(share(users, { header: { name: 'x-canary', value: '2' } }), 0);
});

test('x-user-id, user lists, percentages and combined conditions', () => {
  const users = new Users(traffic);
  const one = users.compile({ header: { name: 'x-user-id', value: '100' } }, 1);
  assert.ok(users.test(100, one));
  assert.not.ok(users.test(101, one));
  assert.is(share(users, { userIds: [1, 2, 3] }), 3 / 10000);
  const pct = share(users, { percent: 25 });
  assert.ok(Math.abs(pct - 0.25) < 0.015, `percent ${pct}`);
  const both = share(users, { percent: 50, header: { name: 'x-canary', value: '1' } });
  assert.ok(both > 0.03 && both < 0.07, `50% of the 10% canary cohort: ${both}`);
});

test('Poisson arrivals have the configured rate; a ramp reaches its end rate', () => {
  const count = (spec: typeof traffic, until: number) => {
    const a = new Arrivals(spec, new RandomStreams(1).stream('arrivals'));
    let t = 0, n = 0;
    while ((t = a.next(t)) < until) n++;
    return n;
  };
  const n = count(traffic, 100_000);
  assert.ok(Math.abs(n - 10_000) < 300, `poisson arrivals ${n}`);
  const ramp = { ...traffic, arrival: 'ramp' as const, rate: 0, rampTo: 200, rampDuration: 100_000 };
  const r = count(ramp, 100_000); // mean rate 100/s over 100 s
  assert.ok(Math.abs(r - 10_000) < 300, `ramp arrivals ${r}`);
});

test('a ramp down to 0 ends: no arrival after the ramp, and next() returns', () => {
  const down = { ...traffic, arrival: 'ramp' as const, rate: 200, rampTo: 0, rampDuration: 10_000 };
  const a = new Arrivals(down, new RandomStreams(3).stream('arrivals'));
  let t = 0, n = 0, last = 0;
  while ((t = a.next(t)) !== Infinity) { n++; last = t; }
  assert.ok(last < 10_000, `last arrival ${last} ms`);
  assert.ok(Math.abs(n - 1000) < 120, `ramp 200→0 over 10 s: ${n} arrivals`); // mean 100/s
});

test.run();
