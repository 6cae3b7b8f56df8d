/**
 * Settings that are accepted but change nothing in that combination are named in a
 * warning (the CLI prints them as `relsim: warning: …`); the same settings where they do
 * have an effect stay quiet.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../../scenarios/load.ts';

function warnings(over: { service?: Record<string, unknown>; release?: unknown; traffic?: Record<string, unknown> }): string[] {
  const doc = {
    duration: '2m',
    services: { a: { replicas: 4, versions: ['v1', 'v2'], serviceTime: '10ms', ...over.service } },
    entry: { service: 'a' },
    traffic: { rate: 20, ...over.traffic },
    release: over.release ?? { to: 'v2', strategy: 'rolling' },
  };
  return parseScenario(JSON.stringify(doc), 's.json').warnings ?? [];
}

test('preStop longer than the grace period: the kubelet cuts the rest', () => {
  assert.equal(warnings({ service: { preStop: '60s', terminationGracePeriodSeconds: 30 } }),
    ['s.json: services.a.preStop: 1m is longer than terminationGracePeriodSeconds (30s): the kubelet ends the hook at the grace period, so the rest has no effect; raise the grace period above the preStop']);
  assert.equal(warnings({ service: { preStop: '20s', terminationGracePeriodSeconds: 30 } }), []);
});

test('takeOutFirst with batches: the batches are ignored', () => {
  const w = warnings({ release: { to: 'v2', strategy: { name: 'rolling', takeOutFirst: true, batches: [{ replicas: 1 }, { replicas: 3 }] } } });
  assert.equal(w.length, 1);
  assert.match(w[0], /release\.strategy\.batches: has no effect with takeOutFirst/);
  assert.equal(warnings({ release: { to: 'v2', strategy: { name: 'rolling', batches: [{ replicas: 1 }, { replicas: 3 }] } } }), []);
});

test('maxSurge / maxUnavailable on a canary with a router: unused', () => {
  const w = warnings({ release: { to: 'v2', strategy: { name: 'canary', maxSurge: 2, steps: [{ setWeight: 20 }] } } });
  assert.equal(w.length, 1);
  assert.match(w[0], /release\.strategy\.maxSurge: has no effect with trafficRouting: true/);
  // a basic canary (no router) finishes as a rolling update within maxSurge: quiet
  assert.equal(warnings({ release: { to: 'v2', strategy: { name: 'canary', trafficRouting: false, maxSurge: 2, steps: [{ setWeight: 20 }] } } }), []);
});

test('a lane or A/B rule on a header no request carries matches nobody', () => {
  const lanes = { to: 'v2', strategy: { name: 'lanes', lanes: [{ name: 'gray', match: { header: { name: 'x-gray', value: '1' } }, services: { a: 'v2' } }] } };
  const w = warnings({ release: lanes });
  assert.equal(w.length, 1);
  assert.match(w[0], /release\.strategy\.lanes\[0\]\.match\.header: no request carries "x-gray"/);
  assert.equal(warnings({ release: lanes, traffic: { headers: [{ name: 'x-gray', value: '1', fraction: 0.1 }] } }), []);
  const ab = { to: 'v2', strategy: { name: 'ab', match: { cookie: { name: 'beta', value: 'yes' } } } };
  assert.match(warnings({ release: ab }).join('\n'), /release\.strategy\.match\.cookie: no request carries "beta"/);
  // x-user-id is on every request
  assert.equal(warnings({ release: { to: 'v2', strategy: { name: 'ab', match: { header: { name: 'x-user-id', value: '7' } } } } }), []);
});

test.run();
