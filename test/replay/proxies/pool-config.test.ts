// client.pool in the generated proxy configs: nginx's upstream keep-alive limits and
// HAProxy's idle-connection purge and reuse cap, checked by each proxy's own parser; and
// what a replay cannot carry is named before it starts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingState, type FrontSpec } from '../../../replay/proxy.ts';
import { renderNginxConfig } from '../../../replay/proxies/nginx/nginx-config.ts';
import { renderHaproxyConfig } from '../../../replay/proxies/haproxy/haproxy-config.ts';
import { replayCaveats } from '../../../replay/preflight.ts';
import { parseScenario } from '../../../scenarios/load.ts';
import { requireProxy } from '../helpers.ts';

function state(pool: FrontSpec['pool']): RoutingState {
  const s = new RoutingState([{ service: 'app', port: 18_080, versions: ['v1'], isEntry: true, lb: 'round-robin',
    retry: { attempts: 0, on: [] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 0, slowStartMs: 0, pool }]);
  s.endpoints.set('a', { id: 'a', service: 'app', version: 'v1', port: 18_081, down: false, weight: 1 });
  return s;
}

test('nginx: the pool sets keepalive_timeout and keepalive_requests, and nginx -t accepts it', () => {
  requireProxy('nginx');
  const dir = mkdtempSync(join(tmpdir(), 'relsim-pool-'));
  try {
    for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d));
    const conf = renderNginxConfig(state({ idleTimeoutMs: 2_500, maxRequests: 100 }), { dir, genPort: 18_082, generation: 1 });
    assert.match(conf, /keepalive_timeout 2500ms;\n\s+keepalive_requests 100;/);
    assert.not.match(renderNginxConfig(state(null), { dir, genPort: 18_082, generation: 1 }), /keepalive_timeout 2500ms/);
    writeFileSync(join(dir, 'nginx.conf'), conf);
    execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs', 'error.log')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HAProxy: the pool sets pool-purge-delay and max-reuse, and haproxy -c accepts it', () => {
  requireProxy('haproxy');
  const dir = mkdtempSync(join(tmpdir(), 'relsim-pool-'));
  try {
    const conf = renderHaproxyConfig(state({ idleTimeoutMs: 2_500, maxRequests: 100 }), dir, new Map());
    assert.match(conf, /default-server .* pool-purge-delay 2500ms max-reuse 100/);
    writeFileSync(join(dir, 'haproxy.cfg'), conf);
    execFileSync('haproxy', ['-c', '-q', '-f', join(dir, 'haproxy.cfg')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a replay names the pool settings it cannot carry', () => {
  const s = parseScenario(`name: p
duration: 10s
services: {a: {serviceTime: 5ms}}
entry: {service: a, client: {pool: {http2: true, connections: 1, closeNotice: 50ms}}}
traffic: {rate: 1}
`, 'p.yaml');
  const nginx = replayCaveats(s, 'nginx').join('\n');
  assert.match(nginx, /entry\.client\.pool\.http2: the replay's proxies speak HTTP\/1\.1 .* connection-level balancing are simulated only/);
  assert.match(nginx, /closeNotice: a real proxy notices/);
  assert.match(nginx, /survivesUpdates: false to simulate what nginx does/);
  assert.not.match(replayCaveats(s, 'haproxy').join('\n'), /survivesUpdates/);
  assert.equal(replayCaveats(parseScenario('name: q\nduration: 1s\nservices: {a: {serviceTime: 5ms}}\nentry: a\ntraffic: {rate: 1}\n', 'q.yaml'), 'nginx'), []);
});

test('a replay of a strategy that writes routing says its plan waits for the proxy, unless the scenario waits too', () => {
  const withRelease = (strategy: string, routing = '') => parseScenario(`name: r
duration: 10s
services: {a: {serviceTime: 5ms, versions: [v1, v2], replicas: 2}}
entry: a
traffic: {rate: 1}
release: {strategy: ${strategy}${routing}}
`, 'r.yaml');
  const routed = '{name: canary, trafficRouting: true, steps: [{setWeight: 50}]}';
  assert.match(replayCaveats(withRelease(routed), 'nginx').join('\n'), /^r\.yaml: release\.routing\.waitApplied: the replay's plan goes on only once the proxy serves/);
  assert.equal(replayCaveats(withRelease(routed, ', routing: {waitApplied: true}'), 'haproxy'), []);
  // Without a router the canary only scales: nothing to wait for.
  assert.equal(replayCaveats(withRelease('{name: canary, trafficRouting: false, steps: [{setWeight: 50}]}'), 'nginx'), []);
  assert.equal(replayCaveats(withRelease('recreate'), 'nginx'), []);
});

test.run();
