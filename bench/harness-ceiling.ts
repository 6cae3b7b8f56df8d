/**
 * The harness's own ceiling: autocannon req/s (10 connections, no rate limit) against a
 * trivial backend directly and through nginx. A replay's offered rate × speed should stay
 * well below the nginx figure (the probe measured ≈17,600 uncontended on 2 vCPUs).
 *
 *   const { directRps, viaNginxRps } = await measureCeiling({ seconds: 3 });
 */
import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { READY_PREFIX, type BackendConfig } from '../replay/backend-config.ts';
import { cleanupAll, makeTrackedTempDir, removeTrackedDir, spawnTracked, stopChild } from '../replay/supervision/cleanup.ts';
import { NginxProxy } from '../replay/proxies/nginx/nginx.ts';
import { RoutingState } from '../replay/proxy.ts';
import { freePort, waitForLine } from '../replay/tools.ts';
import { nodeEntry } from '../replay/supervision/node-entry.ts';

export async function measureCeiling(opts: { seconds: number; connections?: number }): Promise<{ directRps: number; viaNginxRps: number }> {
  const dir = makeTrackedTempDir('relsim-ceiling-');
  const cfg: BackendConfig = {
    service: 'trivial', version: 'v1', instanceId: 'trivial-1', seed: 1, speed: 1,
    serviceTime: { type: 'constant', value: 0 }, latencyFactor: 1, coldStart: { factor: 1, decay: 1, decayRequests: null }, errorRate: 0,
    concurrency: 1_000_000, queue: 0, startupMs: 0, shutdown: 'abrupt', keepAlive: null, propagatesLane: false, calls: [], runDir: dir,
  };
  const backend = spawnTracked(process.execPath, [...nodeEntry('../replay/backend.ts', import.meta.url), JSON.stringify(cfg)],
    { cwd: fileURLToPath(new URL('../', import.meta.url)) });
  let proxy: NginxProxy | null = null;
  try {
    const port = Number(await waitForLine(backend, READY_PREFIX, 20_000));
    backend.stdout?.resume();
    const front = await freePort();
    const state = new RoutingState([{ service: 'trivial', port: front, versions: ['v1'], isEntry: true, lb: 'round-robin',
      retry: { attempts: 0, on: [] }, timeoutMs: 0, maxFails: 0, failTimeoutMs: 10_000, slowStartMs: 0, pool: null }]);
    state.endpoints.set('trivial-1', { id: 'trivial-1', service: 'trivial', version: 'v1', port, down: false, weight: 1 });
    proxy = new NginxProxy(state, dir);
    await proxy.start();
    // Warm both paths first: measured cold, the direct run (first) paid the backend's JIT
    // warm-up and 1 s runs came out slower than through nginx.
    await maxRps(port, 1, opts.connections ?? 10);
    await maxRps(front, 1, opts.connections ?? 10);
    const directRps = await maxRps(port, opts.seconds, opts.connections ?? 10);
    const viaNginxRps = await maxRps(front, opts.seconds, opts.connections ?? 10);
    return { directRps, viaNginxRps };
  } finally {
    if (proxy) await proxy.stop();
    await stopChild(backend, 'SIGKILL', 500);
    await cleanupAll();
    removeTrackedDir(dir);
  }
}

async function maxRps(port: number, seconds: number, connections: number): Promise<number> {
  const r = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: seconds });
  return Math.round(r.requests.total / seconds);
}
