// A mirror route in the generated nginx config: the front's location mirrors to an
// internal location that proxies to the mirror version only for the requests the
// selection takes (percentage, match, not routed there already), logs each copy, and
// nginx -t accepts it; without a mirror none of it is rendered.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoutingState } from '../../../replay/proxy.ts';
import { renderNginxConfig } from '../../../replay/proxies/nginx/nginx-config.ts';
import { parseMirrorLine } from '../../../replay/proxies/nginx/nginx-mirror.ts';
import { requireProxy } from '../helpers.ts';

function state(): RoutingState {
  const s = new RoutingState([{ service: 'api', port: 18_080, versions: ['v1', 'v2'], isEntry: true, lb: 'round-robin',
    retry: { attempts: 1, on: ['connect-failure'] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 0, slowStartMs: 0, pool: null }]);
  s.endpoints.set('a', { id: 'a', service: 'api', version: 'v1', port: 18_081, down: false, weight: 1 });
  s.endpoints.set('b', { id: 'b', service: 'api', version: 'v2', port: 18_082, down: false, weight: 1 });
  s.weights.set('api', { v1: 100, v2: 0 });
  return s;
}

const layout = (dir: string) => ({ dir, genPort: 18_083, generation: 1 });

test('nginx: a mirror route renders mirror, the selection maps and the internal location; nginx -t accepts it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-mirror-'));
  try {
    for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d));
    const s = state();
    assert.not.match(renderNginxConfig(s, layout(dir)), /relsim_mirror|mirror_request_body/);
    s.mirrors.set('api', { version: 'v2', percent: 50, match: { header: { name: 'x-cohort', value: 'beta' } } });
    const conf = renderNginxConfig(s, layout(dir));
    // The front's location starts a copy of every request...
    assert.match(conf, /location \/ \{\n\s+mirror \/relsim_mirror_0;\n\s+mirror_request_body on;/);
    // ...which the internal location sends on only when selected: not routed to v2 already, the match holds, the draw takes it.
    assert.match(conf, /map \$relsim_f0_target \$relsim_f0_mirror_r \{ u0_1 ""; default 1; \}/);
    assert.match(conf, /map \$http_x_cohort \$relsim_f0_mirror_m_c0 \{\n\s+default "";\n\s+"~\^beta\$" 1;/);
    assert.match(conf, /split_clients "mirror\$\{request_id\}" \$relsim_f0_mirror_p \{\n\s+50% 1;\n\s+\* "";/);
    assert.match(conf, /map "\$relsim_f0_mirror_r\$relsim_f0_mirror_m\$relsim_f0_mirror_p" \$relsim_f0_mirror \{ default ""; "111" 1; \}/);
    assert.match(conf, /location = \/relsim_mirror_0 \{\n\s+internal;\n\s+log_subrequest on;\n\s+access_log "[^"]+\/logs\/mirror\.log" relsim_mirror if=\$relsim_f0_mirror;\n\s+if \(\$relsim_f0_mirror = ""\) \{ return 204; \}\n\s+proxy_pass http:\/\/u0_1\$request_uri;/);
    assert.match(conf, /proxy_set_header x-relsim-mirror 1;\n\s+proxy_next_upstream off;/);
    assert.match(conf, /log_format relsim_mirror '\$msec\|\$upstream_status\|\$upstream_response_time\|\$upstream_http_x_relsim_path';/);
    // 100 % and no match: only "not routed there already".
    s.mirrors.set('api', { version: 'v2', percent: 100, match: null });
    const all = renderNginxConfig(s, layout(dir));
    assert.not.match(all, /split_clients "mirror/);
    assert.match(all, /map "\$relsim_f0_mirror_r" \$relsim_f0_mirror \{ default ""; "1" 1; \}/);
    requireProxy('nginx');
    writeFileSync(join(dir, 'nginx.conf'), conf);
    execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs', 'error.log')], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a line of the copies\' log is a copy: ok on 2xx, failed otherwise, with its path and time', () => {
  assert.equal(parseMirrorLine('1700000000.250|200|0.004|api:v2'), { at: 1_700_000_000_250, hops: ['api:v2'], ok: true, latencyMs: 4 });
  assert.equal(parseMirrorLine('1700000000.250|500|0.002|api:v2>db:v1'), { at: 1_700_000_000_250, hops: ['api:v2', 'db:v1'], ok: false, latencyMs: 2 });
  // No live server: nginx answers 502 itself, no backend reported a path.
  assert.equal(parseMirrorLine('1700000000.250|502|0.000|-'), { at: 1_700_000_000_250, hops: [], ok: false, latencyMs: 0 });
  assert.is(parseMirrorLine(''), null);
});

test.run();
