/**
 * nginx as the replay's proxy: a foreground child (`daemon off`) with everything (pid,
 * error_log, temp paths) in a private temp dir. Every change is a reload, done the way
 * the probe found reliable: render, `nginx -t`, atomic rename, SIGHUP the master, then
 * poll the generation endpoint until it serves the new number (`nginx -s reload` returns
 * before the reload happens, and a config that fails to bind only shows in error.log).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync, readFileSync, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HeaderRoute, MirrorRoute } from '../../../strategies/protocol-types.ts';
import type { LaneSpec } from '../../../scenarios/types.ts';
import { spawnTracked, stopChild, isRunning, makeTrackedTempDir, removeTrackedDir } from '../../supervision/cleanup.ts';
import { renderNginxConfig } from './nginx-config.ts';
import type { Endpoint, MirroredCopy, ProxyAdapter, RoutingState } from '../../proxy.ts';
import { parseMirrorLine } from './nginx-mirror.ts';
import { assertPortsFree, childPids, freePort, requireBinary, sleepMs, waitOldWorkersGone } from '../../tools.ts';
import { procCmdline } from '../../supervision/procfs.ts';

const run = promisify(execFile);

export class NginxProxy implements ProxyAdapter {
  readonly kind = 'nginx' as const;
  reloads = 0;
  readonly changeMs: number[] = [];
  readonly staleMs: number[] = [];
  /** Per reload, real ms until every old worker had begun shutting down (see waitWorkersQuitting). */
  readonly quitMs: number[] = [];
  unsettled = 0;
  private readonly bin = requireBinary('nginx');
  private dir = '';
  private genPort = 0;
  private generation = 0;
  private child: ChildProcess | null = null;
  /** Reloads are serialised: two at once would race on the generation probe. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  /** How far the copies' log has been read (bytes), and a last line not yet complete. */
  private mirrorLogRead = 0;
  private mirrorLogRest = '';

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
  applyMirror(service: string, mirror: MirrorRoute | null): Promise<void> {
    if (mirror) this.state.mirrors.set(service, mirror);
    else this.state.mirrors.delete(service);
    return this.reload();
  }

  /**
   * Copies finished since the last call, from the copies' log (nginx-mirror.ts), which
   * nginx writes unbuffered, a line per copy, as each finishes (old workers draining after
   * a reload append to the same file).
   */
  takeCopies(): MirroredCopy[] {
    if (!this.dir) return [];
    let fd: number;
    try { fd = openSync(join(this.dir, 'logs', 'mirror.log'), 'r'); } catch { return []; }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.mirrorLogRead) return [];
      const buf = Buffer.alloc(size - this.mirrorLogRead);
      const n = readSync(fd, buf, 0, buf.length, this.mirrorLogRead);
      this.mirrorLogRead += n;
      const lines = (this.mirrorLogRest + buf.subarray(0, n).toString('utf8')).split('\n');
      this.mirrorLogRest = lines.pop() ?? '';
      return lines.map(parseMirrorLine).filter((c): c is MirroredCopy => c !== null);
    } finally {
      closeSync(fd);
    }
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

  /**
   * Resolves once the change is in force: the new config answers and every old worker has
   * begun shutting down (see waitWorkersQuitting). The next reload may start as soon as the
   * new config answers, as before: nginx's master takes it after its own pause.
   */
  private reload(): Promise<void> {
    // After stop, late changes (a backend that just became ready) are moot.
    const answered = this.chain.then(() => (this.stopped ? null : this.doReload()));
    this.chain = answered.then(() => undefined, () => undefined);
    return answered.then((r) => r?.quitting);
  }

  /** Reloads; resolves when the new config answers, with a promise of the old workers quitting (wrapped: a bare promise would be awaited). */
  private async doReload(): Promise<{ quitting: Promise<void> }> {
    if (!this.child || !isRunning(this.child)) throw new Error('nginx is not running');
    const t = performance.now();
    await this.writeConfig();
    const old = this.child.pid === undefined ? [] : childPids(this.child.pid);
    this.child.kill('SIGHUP');
    this.reloads++;
    await this.waitGeneration(5000);
    this.changeMs.push(performance.now() - t);
    void this.measureStale(t, this.reloads);
    return { quitting: waitWorkersQuitting(old, 3000).then((at) => { this.quitMs.push(at - t); }) };
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

/**
 * Waits until each of `pids` (the workers before a reload) is shutting down or gone; returns
 * when (performance.now()). A worker that took the master's SIGQUIT retitles itself "worker
 * process is shutting down" as it closes its listening sockets and idle keep-alive
 * connections: from then on it takes no new request. The new worker answers first: the
 * master starts it, sleeps 100 ms ("allow new processes to start", ngx_master_process_cycle)
 * and only then signals the old one, which meanwhile accepts on the same sockets and serves
 * keep-alive requests by the old upstream: 80-100 ms of real time that does not scale with
 * --speed (measured: the new config answered 60-240 ms after the change, the old worker
 * quit 70-100 ms later).
 */
async function waitWorkersQuitting(pids: number[], timeoutMs: number): Promise<number> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const now = performance.now();
    if (pids.every((p) => { const c = procCmdline(p); return c === '' || c.includes('shutting down'); }) || now >= until) return now;
    await sleepMs(2);
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
