// Session affinity during a canary (Flagger's sessionAffinity): once the router sends a
// user to the canary, the user stays there while the canary has weight; without it users
// flip between versions request by request. At rollback the cookie routes nowhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scenario } from './helpers.ts';
import { Model } from '../../sim/model/model.ts';
import { SimPlatform } from '../../sim/sim-platform.ts';
import { drive } from '../../strategies/protocol.ts';
import { releasePlan } from '../../strategies/index.ts';
import { sleep as engineSleep } from '../../sim/kernel/engine.ts';

const yaml = (affinity: string, extra = '') => `
seed: 3
duration: 3m
services:
  api: {replicas: 4, versions: [v1, v2], concurrency: 32, serviceTime: 5ms, startup: 1s, readinessProbe: {periodSeconds: 1}, minReadySeconds: 1}
entry: {service: api, client: {lb: round-robin}}
registry: {push: {delay: 200ms}}
traffic: {rate: 200, users: 300}
release:
  startAt: 10s
  strategy: {name: canary, ${affinity} abortScaleDownDelaySeconds: 5, steps: [{setWeight: 20}, {pause: {duration: 60s}}, {setWeight: 50}, {pause: {duration: 60s}}]}
${extra}`;

/** Runs the release, recording each user's routed versions (entry router) with their times. */
function trace(text: string): Map<number, [number, number][]> {
  const m = new Model(scenario(text));
  const view = m.views[0];
  const pick = view.pick.bind(view);
  const seen = new Map<number, [number, number][]>();
  view.pick = (version, now, user, avoid) => {
    if (version >= 0) {
      const s = seen.get(user) ?? [];
      s.push([now, version]);
      seen.set(user, s);
    }
    return pick(version, now, user, avoid);
  };
  m.engine.process((function* () {
    yield engineSleep(m.scenario.release!.startAt);
    drive(releasePlan(m.scenario), new SimPlatform(m), () => m.endRollout());
  })());
  m.run();
  return seen;
}

/** Users who went canary → stable between `from` and `to` (ms). */
function flippedBack(seen: Map<number, [number, number][]>, from: number, to: number): number {
  let n = 0;
  for (const s of seen.values()) {
    const inside = s.filter(([t]) => t >= from && t < to).map(([, v]) => v);
    if (inside.some((v, i) => v === 0 && inside.slice(0, i).includes(1))) n++;
  }
  return n;
}

test('sticky: no user leaves the canary inside a step, or across the weight change; without it, most do', () => {
  // canary routed from ~12 s (setWeight 20) to the promotion at ~132 s
  const sticky = trace(yaml('sessionAffinity: true,'));
  const loose = trace(yaml(''));
  assert.is(flippedBack(sticky, 13_000, 130_000), 0);
  assert.ok(flippedBack(loose, 13_000, 130_000) > 200, `flips without affinity: ${flippedBack(loose, 13_000, 130_000)}`);
  // Cookies accumulate: a user without one rolls the weight again at every request, so
  // at 20 % and ~3 requests per user per 5 s nearly every user holds one after a minute,
  // and the canary serves far more than its weight (Flagger's behaviour, worth knowing).
  const share = (seen: Map<number, [number, number][]>, from: number, to: number) => {
    const vs = [...seen.values()].flatMap((x) => x.filter(([t]) => t >= from && t < to).map(([, v]) => v));
    return vs.filter((v) => v === 1).length / vs.length;
  };
  assert.ok(Math.abs(share(loose, 40_000, 70_000) - 0.2) < 0.03, `without affinity ${share(loose, 40_000, 70_000)}`);
  assert.ok(share(sticky, 65_000, 70_000) > 0.9, `with affinity ${share(sticky, 65_000, 70_000)}`);
  assert.ok(share(sticky, 13_000, 18_000) < 0.6, `early on ${share(sticky, 13_000, 18_000)}`);
});

test('maxAge: an expired cookie routes by weight again', () => {
  const short = trace(yaml('sessionAffinity: {maxAge: 5s},'));
  assert.ok(flippedBack(short, 13_000, 130_000) > 50, `flips with a 5 s cookie: ${flippedBack(short, 13_000, 130_000)}`);
});

test('rollback: sticky users return to stable once the canary has no weight', () => {
  const seen = trace(yaml('sessionAffinity: true,', '').replace('release:\n', 'release:\n  abortAt: 60s\n'));
  for (const s of seen.values()) {
    assert.ok(s.filter(([t]) => t > 62_000).every(([, v]) => v === 0));
  }
});

test.run();
