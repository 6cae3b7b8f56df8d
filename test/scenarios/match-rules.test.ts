// Match rules as a scenario writes them: a list of rules (OR), prefix and regex values,
// cookies in the user's Cookie header; what is refused, what is warned about, and a run
// whose A/B cohort is exactly the users the rule describes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { Users } from '../../sim/model/traffic.ts';

const HEADERS = `[{name: x-cohort, value: beta-1, fraction: 0.2}, {name: x-cohort, value: alpha, fraction: 0.3}, {name: Cookie, value: "canary=always; theme=dark", fraction: 0.2}]`;

const sc = (match: string, headers = HEADERS) => parseScenario(`
seed: 5
duration: 40s
services:
  api: {replicas: 2, versions: [v1, v2], concurrency: 32, serviceTime: 5ms}
entry: {service: api}
traffic: {rate: 200, users: 500, headers: ${headers}}
release:
  startAt: 5s
  strategy: {name: ab, duration: 30s, match: ${match}}
`, 'm.yaml');

test('a list of rules is an OR; a regex, a prefix and a Cookie header pair are read as such', () => {
  const s = sc('[{header: {name: x-cohort, regex: "beta-\\\\d+"}}, {cookie: {name: canary, value: always}}]');
  const st = s.release!.strategy;
  assert.is(st.name, 'ab');
  if (st.name !== 'ab') return;
  assert.equal(st.match, { any: [{ header: { name: 'x-cohort', value: 'beta-\\d+', kind: 'regex' } }, { cookie: { name: 'canary', value: 'always' } }] });
  assert.equal(sc('{header: {name: x-cohort, prefix: beta}}').release!.strategy, { ...st, match: { header: { name: 'x-cohort', value: 'beta', kind: 'prefix' } } });
  // `exact` is `value`; a one-rule list is that rule.
  assert.equal(sc('[{header: {name: x-cohort, exact: alpha}}]').release!.strategy, { ...st, match: { header: { name: 'x-cohort', value: 'alpha' } } });
});

test('the A/B cohort during the test is the union of the alternatives, user by user', () => {
  const s = sc('[{header: {name: x-cohort, regex: "beta-\\\\d+"}}, {cookie: {name: canary, value: always}}]');
  const users = new Users(s.traffic);
  const beta = users.compile({ header: { name: 'x-cohort', value: 'beta-1' } }, 0);
  const canary = users.compile({ cookie: { name: 'canary', value: 'always' } }, 0);
  let inCohort = 0;
  for (let u = 1; u <= s.traffic.users; u++) if (users.test(u, beta) || users.test(u, canary)) inCohort++;
  const share = inCohort / s.traffic.users;
  // Users are drawn uniformly, so B's share of requests during the test is the cohort's share of users.
  const r = simulate(s);
  const v2 = r.timeline.series['share.api.v2'].slice(8, 34);
  const mean = v2.reduce((a, b) => a + b, 0) / v2.length;
  assert.ok(share > 0.3 && share < 0.45, `cohort ${share}`);
  assert.ok(Math.abs(mean - share) < 0.03, `B's share ${mean.toFixed(3)} vs the cohort's ${share.toFixed(3)} of users`);
  // Without the cookie alternative the share drops to the regex cohort alone.
  const r2 = simulate(sc('{header: {name: x-cohort, regex: "beta-\\\\d+"}}'));
  const v2b = r2.timeline.series['share.api.v2'].slice(8, 34);
  assert.ok(v2b.reduce((a, b) => a + b, 0) / v2b.length < mean - 0.1, 'the cookie alternative adds its users');
});

test('refused: two value kinds, a bad regex, an empty list, a nested list, a header match on Cookie', () => {
  assert.throws(() => sc('{header: {name: x-cohort, value: a, prefix: b}}'), /release\.strategy\.match\.header: expected one of value \(or exact\), prefix, regex, got value and prefix/);
  assert.throws(() => sc('{header: {name: x-cohort, regex: "beta-(\\\\d"}}'), /release\.strategy\.match\.header\.regex: not a valid regular expression/);
  assert.throws(() => sc('[]'), /release\.strategy\.match: expected a match rule like .*an empty list matches no request/);
  assert.throws(() => sc('[[{header: {name: a, value: b}}]]'), /release\.strategy\.match\[0\]: expected a match rule \(a map\); a list of rules may not nest/);
  assert.throws(() => sc('{header: {name: Cookie, value: "canary=always"}}'), /release\.strategy\.match\.header\.name: the Cookie header holds a list of cookies: match one with cookie: \{name, value\}/);
  assert.throws(() => sc(`{header: {name: x, regex: "${'a'.repeat(1001)}"}}`), /a regex of at most 1000 characters, got 1001/);
});

test('warned: a prefix or regex no carried value satisfies, per alternative; a cookie only the Cookie header carries is no warning', () => {
  assert.equal(sc('[{header: {name: x-cohort, prefix: gamma}}, {cookie: {name: canary, value: always}}]').warnings, [
    'm.yaml: release.strategy.match[0].header.prefix: has no effect: no request carries x-cohort starting with "gamma" (traffic.headers gives it "beta-1", "alpha"), so this rule matches no request; match a value the traffic carries, or add it to traffic.headers',
  ]);
  assert.equal(sc('{cookie: {name: theme, regex: "light|blue"}}').warnings, [
    'm.yaml: release.strategy.match.cookie.regex: has no effect: no request carries theme matching /light|blue/ (traffic.headers gives it "dark"), so this rule matches no request; match a value the traffic carries, or add it to traffic.headers',
  ]);
  assert.equal(sc('{cookie: {name: theme, regex: "dark|light"}}').warnings, []);
  assert.equal(sc('{cookie: {name: session, value: x}}').warnings, [
    'm.yaml: release.strategy.match.cookie: no request carries "session" (traffic.headers sets no such header, nor a Cookie header with that cookie), so this rule matches no request',
  ]);
});

test('same scenario, same seed: byte-identical results with OR and regex rules', () => {
  const m = '[{header: {name: x-cohort, prefix: beta}}, {cookie: {name: canary, value: always}, percent: 50}]';
  assert.is(JSON.stringify(simulate(sc(m))), JSON.stringify(simulate(sc(m))));
});

test.run();
