/**
 * nginx as the replay's proxy: a foreground child (`daemon off`) with everything (pid,
 * error_log, temp paths) in a private temp dir. Every change is a reload, done the way
 * the probe found reliable: render, `nginx -t`, atomic rename, SIGHUP the master, then
 * poll the generation endpoint until it serves the new number (`nginx -s reload` returns
 * before the reload happens, and a config that fails to bind only shows in error.log).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HeaderRoute } from '../../../strategies/protocol-types.ts';
import type { LaneSpec } from '../../../scenarios/types.ts';
import { spawnTracked, stopChild, isRunning, makeTrackedTempDir, removeTrackedDir } from '../../supervision/cleanup.ts';
import { renderNginxConfig } from './nginx-config.ts';
import type { Endpoint, ProxyAdapter, RoutingState } from '../../proxy.ts';
import { assertPortsFree, freePort, requireBinary, sleepMs, waitOldWorkersGone } from '../../tools.ts';

const run = promisify(execFile);

export class NginxProxy implements ProxyAdapter {
  readonly kind = 'nginx' as const;
  reloads = 0;
  readonly changeMs: number[] = [];
  readonly staleMs: number[] = [];
  unsettled = 0;
  private readonly bin = requireBinary('nginx');
  private dir = '';
  private genPort = 0;
  private generation = 0;
  private child: ChildProcess | null = null;
  /** Reloads are serialised: two at once would race on the generation probe. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly state: RoutingState, private readonly runDir?: string) {}

  async start(): Promise<void> {
    this.dir = this.runDir ? join(this.runDir, 'nginx') : makeTrackedTempDir('relsim-nginx-');
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    this.genPort = await freePort();
    await assertPortsFree([this.genPort, ...this.state.fronts.map((f) => f.port)]);
    await this.writeConfig();
    this.child = spawnTracked(this.bin, this.args());
    this.child.stderr?.resume();
    this.child.stdout?.resume();
    await this.waitGeneration(5000);
  }

  applyWeights(service: string, weights: Record<string, number> | null): Promise<void> {
    this.state.weights.set(service, weights);
    return this.reload();
  }
  applyRoutes(service: string, routes: HeaderRoute[]): Promise<void> {
    this.state.routes.set(service, routes);
    return this.reload();
  }
  applyLanes(lanes: LaneSpec[], mode: 'permissive' | 'strict'): Promise<void> {
    this.state.lanes = lanes;
    this.state.laneMode = mode;
    return this.reload();
  }
  markDown(instanceId: string, down: boolean): Promise<void> {
    const e = this.state.endpoints.get(instanceId);
    if (e) e.down = down;
    return this.reload();
  }
  addServer(endpoint: Endpoint): Promise<void> {
    this.state.endpoints.set(endpoint.id, endpoint);
    return this.reload();
  }
  removeServer(instanceId: string): Promise<void> {
    this.state.endpoints.delete(instanceId);
    return this.reload();
  }

  async settled(): Promise<void> {
    await this.chain;
    if (this.child?.pid !== undefined && !(await waitOldWorkersGone(this.child.pid, 1, 3000))) this.unsettled++;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain; // no `nginx -t` may outlive the run
    if (this.child) await stopChild(this.child, 'SIGQUIT', 2000);
    this.child = null;
    if (this.dir && !this.runDir) removeTrackedDir(this.dir);
  }

  /** The last lines of nginx's error log (for failure messages). */
  errorLogTail(): string {
    try { return readFileSync(join(this.dir, 'logs', 'error.log'), 'utf8').split('\n').slice(-5).join('\n'); } catch { return ''; }
  }

  // ---- internals ----------------------------------------------------------------------

  private args(conf = join(this.dir, 'nginx.conf')): string[] {
    return ['-p', this.dir, '-c', conf, '-e', join(this.dir, 'logs', 'error.log'), '-g', 'daemon off;'];
  }

  private reload(): Promise<void> {
    // After stop, late changes (a backend that just became ready) are moot.
    const next = this.chain.then(() => (this.stopped ? undefined : this.doReload()));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async doReload(): Promise<void> {
    if (!this.child || !isRunning(this.child)) throw new Error('nginx is not running');
    const t = performance.now();
    await this.writeConfig();
    this.child.kill('SIGHUP');
    this.reloads++;
    await this.waitGeneration(5000);
    this.changeMs.push(performance.now() - t);
    void this.measureStale(t, this.reloads);
  }

  /**
   * Until the old worker exits it keeps routing its open keep-alive connections by the old
   * config, so a change is fully in force only then: from the change's start to the old
   * workers' exit. Kept only when no later reload started meanwhile (whose workers would
   * be counted too). Runs beside the reload chain, never delaying it.
   */
  private async measureStale(startedAt: number, reload: number): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    const gone = await waitOldWorkersGone(pid, 1, 3000);
    if (gone && this.reloads === reload && !this.stopped) this.staleMs.push(performance.now() - startedAt);
  }

  private async writeConfig(): Promise<void> {
    this.generation++;
    const text = renderNginxConfig(this.state, { dir: this.dir, genPort: this.genPort, generation: this.generation });
    const tmp = join(this.dir, 'nginx.conf.next');
    writeFileSync(tmp, text);
    try {
      await run(this.bin, ['-t', '-q', ...this.args(tmp)]);
    } catch (e) {
      const msg = (e as { stderr?: string }).stderr ?? String(e);
      throw new Error(`generated nginx config is invalid: ${msg.trim()}`);
    }
    renameSync(tmp, join(this.dir, 'nginx.conf'));
  }

  private async waitGeneration(timeoutMs: number): Promise<void> {
    const want = String(this.generation);
    const until = performance.now() + timeoutMs;
    while (performance.now() < until) {
      if ((await fetchText(this.genPort, '/__gen')) === want) return;
      if (this.child && !isRunning(this.child)) throw new Error(`nginx exited: ${this.errorLogTail()}`);
      await sleepMs(5);
    }
    throw new Error(`nginx did not serve config generation ${want} within ${timeoutMs} ms: ${this.errorLogTail()}`);
  }
}

function fetchText(port: number, path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    });
    req.on('error', () => resolve(null));
    req.setTimeout(500, () => req.destroy());
  });
}
