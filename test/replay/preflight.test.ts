/**
 * A scenario string the chosen proxy cannot carry is refused before anything starts, in one
 * line naming the scenario field (exit 2), instead of failing the run at its first reload.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../scenarios/load.ts';
import { preflightScenario, replayCaveats } from '../../replay/preflight.ts';
import { UserError } from '../../scenarios/user-error.ts';

const lanes = (match: string): string => `duration: 5s\ntraffic: {rate: 5}\nservices:\n  a: {serviceTime: 1ms, versions: [v1, v2]}\n` +
  `release: {services: [a], to: v2, strategy: {name: lanes, lanes: [{name: gray, match: ${match}, services: {a: v2}}]}}\n`;

function refusal(text: string, proxy: 'nginx' | 'haproxy'): string {
  try { preflightScenario(parseScenario(text, 'x.yaml'), proxy); } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).exitCode, 2);
    return (e as Error).message;
  }
  throw new Error(`expected ${proxy} to refuse it`);
}

test('nginx cannot match a header name with "_" (it drops such headers); HAProxy can', () => {
  const text = lanes('{header: {name: x_user, value: "1"}}');
  assert.match(refusal(text, 'nginx'), /^x\.yaml: release\.strategy\.lanes\[0\]: cannot be replayed through nginx: .*"x_user"/);
  preflightScenario(parseScenario(text, 'x.yaml'), 'haproxy');
});

test('HAProxy cannot carry a lone "}" as a header value; nginx can', () => {
  const text = lanes('{header: {name: x-user, value: "}"}}');
  assert.match(refusal(text, 'haproxy'), /^x\.yaml: release\.strategy\.lanes\[0\]: cannot be replayed through haproxy/);
  preflightScenario(parseScenario(text, 'x.yaml'), 'nginx');
});

const withStrategy = (strategy: string, extra = ''): string => `duration: 5s\ntraffic: {rate: 5}\nservices:\n  a: {serviceTime: 1ms, versions: ${extra || '[v1, v2]'}}\n` +
  `release: {services: [a], to: v2, strategy: ${strategy}}\n`;

test('blue-green previewMatch and canary header and mirror routes reach the proxy: checked the same way; a mirror route is refused on HAProxy only', () => {
  assert.match(refusal(withStrategy('{name: blue-green, previewMatch: {header: {name: x_t, value: "1"}}}'), 'nginx'), /release\.strategy\.previewMatch: cannot be replayed through nginx/);
  assert.match(refusal(withStrategy('{name: canary, steps: [{setHeaderRoute: {match: {header: {name: x-t, value: "}"}}}}]}'), 'haproxy'), /release\.strategy\.steps\[0\]\.setHeaderRoute\.match: cannot be replayed through haproxy/);
  assert.match(refusal(withStrategy('{name: canary, steps: [{setMirrorRoute: {percentage: 20}}]}'), 'haproxy'), /^x\.yaml: release\.strategy\.steps\[0\]\.setMirrorRoute: cannot be replayed through haproxy: it has no built-in traffic mirroring.*--proxy nginx/);
  preflightScenario(parseScenario(withStrategy('{name: canary, steps: [{setMirrorRoute: {percentage: 20}}]}'), 'x.yaml'), 'nginx');
  assert.match(refusal(withStrategy('{name: canary, steps: [{setMirrorRoute: {percentage: 20, match: {header: {name: x_t, value: "1"}}}}]}'), 'nginx'), /release\.strategy\.steps\[0\]\.setMirrorRoute\.match: cannot be replayed through nginx/);
  preflightScenario(parseScenario(withStrategy('{name: canary, steps: [{setHeaderRoute: {match: {header: {name: x-t, value: "1"}}}}]}'), 'x.yaml'), 'nginx');
});

test('a load-test webhook is refused (simulated only); gates and checks are replayed', () => {
  assert.match(refusal(withStrategy('{name: canary, webhooks: [{name: gate, type: confirm-promotion, openAt: 1s}, {name: lt, type: rollout, loadTest: {rate: 5}}]}'), 'nginx'),
    /^x\.yaml: release\.strategy\.webhooks\[1\]\.loadTest: cannot be replayed: .*load tests are simulated only/);
  assert.match(refusal(withStrategy('{name: ab, match: {percent: 10}, webhooks: [{name: lt, type: rollout, loadTest: {rate: 5}}]}'), 'haproxy'), /webhooks\[0\]\.loadTest: cannot be replayed/);
  preflightScenario(parseScenario(withStrategy('{name: canary, webhooks: [{name: gate, type: confirm-promotion, openAt: 1s}, {name: smoke, type: rollout, failProbability: 0.1}]}'), 'x.yaml'), 'nginx');
});

test('what the replay does not carry is a warning: requires, session affinity', () => {
  const req = replayCaveats(parseScenario(`duration: 5s\ntraffic: {rate: 5}\nservices:\n  w: {serviceTime: 1ms, versions: {v1: {}, v2: {requires: {a: v2}}}, calls: [a]}\n  a: {serviceTime: 1ms, versions: [v1, v2]}\n`, 'x.yaml'), 'nginx');
  assert.ok(req.some((w) => /services\.w\.versions\.v2\.requires: the replay's backends do not know/.test(w)), req.join('\n'));
  const sticky = parseScenario(withStrategy('{name: canary, sessionAffinity: true, steps: [{setWeight: 20}]}'), 'x.yaml');
  const aff = replayCaveats(sticky, 'haproxy');
  assert.ok(aff.some((w) => /sessionAffinity: the HAProxy replay routes every request by weight and sets no cookie \(nginx replays it at the entry service\)/.test(w)), aff.join('\n'));
  // nginx replays it where the load generator's users call: the entry
  assert.not.ok(replayCaveats(sticky, 'nginx').some((w) => /sessionAffinity/.test(w)));
});

test('relsim replay exits 2 with that one line, before starting a process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-preflight-'));
  try {
    const f = join(dir, 'x.yaml');
    // traffic carries the header, so the only line is the refusal (no "matches no request" warning)
    writeFileSync(f, lanes('{header: {name: x_user, value: "1"}}').replace('traffic: {rate: 5}', 'traffic: {rate: 5, headers: [{name: x_user, value: "1", fraction: 0.1}]}'));
    const p = spawnSync(process.execPath, ['bin/relsim.js', 'replay', f, '--proxy', 'nginx'], { encoding: 'utf8' });
    assert.is(p.status, 2, p.stderr);
    assert.is(p.stderr.trim().split('\n').length, 1, p.stderr);
    assert.not.match(p.stderr, /starting/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
