/**
 * HAProxy as the replay's proxy: master-worker in the foreground (`-W -db`), admin socket
 * in the run's temp dir. Weights, drains and maintenance go through the runtime API (no
 * reload); scaling fills pre-declared server slots (`set server … addr`). Lane and header
 * routes are ACLs, so they need a reload: each reload renders the config from the full
 * desired state (addresses, weights, states), so nothing is lost across it.
 *
 * Server states (`set server … state`, HAProxy 2.x management guide):
 * - mark down (take out of rotation, let connections finish) = `drain`: no new requests
 *   from load balancing, requests in flight finish, and health checks keep running, so
 *   the server stays UP: marking it up again (`ready`) puts it straight back at full
 *   weight, with no slowstart (slowstart only follows a server "previously seen as failed");
 * - removed (instance deregistered or stopped; its slot freed) = `maint`: no traffic and no
 *   health checks. A slot filled again goes from maint to ready through the starting state,
 *   so slowstart applies to a new instance, as it should.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HeaderRoute } from '../../../strategies/protocol-types.ts';
import type { LaneSpec } from '../../../scenarios/types.ts';
import { isRunning, makeTrackedTempDir, removeTrackedDir, spawnTracked, stopChild } from '../../supervision/cleanup.ts';
import { HAPROXY_MAX_WEIGHT, renderHaproxyConfig, SLOTS_PER_VERSION, type HaproxySlot } from './haproxy-config.ts';
import type { Endpoint, ProxyAdapter, RoutingState } from '../../proxy.ts';
import { PROXY_PID_FILES } from '../../supervision/stale-runs.ts';
import { assertPortsFree, requireBinary, sleepMs, waitOldWorkersGone } from '../../tools.ts';

const run = promisify(execFile);

export class HaproxyProxy implements ProxyAdapter {
  readonly kind = 'haproxy' as const;
  reloads = 0;
  readonly changeMs: number[] = [];
  /** The runtime API changes the running process: in force once applied. */
  get staleMs(): number[] { return this.changeMs; }
  /** No old workers to quit: runtime API changes act on the running process. */
  readonly quitMs: number[] = [];
  unsettled = 0;
  private readonly bin = requireBinary('haproxy');
  private dir = '';
  private child: ChildProcess | null = null;
  /** front index → slots (every version's, in version order). */
  private readonly slots = new Map<number, HaproxySlot[]>();
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly state: RoutingState, private readonly runDir?: string) {}

  async start(): Promise<void> {
    this.dir = this.runDir ? join(this.runDir, 'haproxy') : makeTrackedTempDir('relsim-haproxy-');
    mkdirSync(this.dir, { recursive: true });
    await assertPortsFree(this.state.fronts.map((f) => f.port));
    this.layoutSlots();
    await this.writeConfig();
    this.child = spawnTracked(this.bin, ['-W', '-db', '-f', join(this.dir, 'haproxy.cfg')]);
    // Where the next run's sweep looks should this run die with its watchdog (stale-runs.ts).
    if (this.child.pid !== undefined) writeFileSync(join(this.dir, PROXY_PID_FILES.haproxy), `${this.child.pid}\n`);
    this.child.stdout?.resume();
    this.child.stderr?.resume();
    await this.waitSocket(null, 5000);
  }

  applyWeights(service: string, weights: Record<string, number> | null): Promise<void> {
    return this.serial(async () => {
      this.state.weights.set(service, weights);
      if (this.needsNewLayout()) return this.reload();
      await this.syncRuntime();
    });
  }
  applyRoutes(service: string, routes: HeaderRoute[]): Promise<void> {
    return this.serial(async () => { this.state.routes.set(service, routes); await this.reload(); });
  }
  applyLanes(lanes: LaneSpec[], mode: 'permissive' | 'strict'): Promise<void> {
    return this.serial(async () => { this.state.lanes = lanes; this.state.laneMode = mode; await this.reload(); });
  }
  markDown(instanceId: string, down: boolean): Promise<void> {
    return this.serial(async () => {
      const e = this.state.endpoints.get(instanceId);
      if (e) e.down = down;
      await this.syncRuntime();
    });
  }
  addServer(endpoint: Endpoint): Promise<void> {
    return this.serial(async () => {
      this.state.endpoints.set(endpoint.id, endpoint);
      if (this.needsNewLayout()) return this.reload();
      await this.syncRuntime();
    });
  }
  removeServer(instanceId: string): Promise<void> {
    return this.serial(async () => { this.state.endpoints.delete(instanceId); await this.syncRuntime(); });
  }

  async settled(): Promise<void> {
    await this.chain;
    if (this.child?.pid !== undefined && !(await waitOldWorkersGone(this.child.pid, 1, 3000))) this.unsettled++;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain; // no `haproxy -c` or socket call may outlive the run
    if (this.child) await stopChild(this.child, 'SIGUSR1', 2000);
    this.child = null;
    if (this.dir && !this.runDir) removeTrackedDir(this.dir);
  }

  /** One runtime API call (several commands joined by ';'); '' means success. */
  command(cmd: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = connect(join(this.dir, 'admin.sock'));
      let out = '';
      sock.on('connect', () => sock.write(`${cmd}\n`));
      sock.on('data', (d) => { out += d; });
      sock.on('end', () => resolve(out));
      sock.on('error', reject);
      sock.setTimeout(3000, () => { sock.destroy(); reject(new Error(`haproxy admin socket timed out on: ${cmd}`)); });
    });
  }

  // ---- internals ----------------------------------------------------------------------

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => {
      if (this.stopped) return; // the run is over: late changes (a backend just ready) are moot
      const t = performance.now();
      await fn();
      this.changeMs.push(performance.now() - t);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Places every endpoint in a slot of its version, keeping existing placements. */
  private layoutSlots(): boolean {
    let grew = false;
    this.state.fronts.forEach((front, i) => {
      const versions = this.state.versionsOf(front.service);
      const list = this.slots.get(i) ?? [];
      for (const [k, v] of versions.entries()) {
        const have = list.filter((s) => s.version === v).length;
        const need = Math.max(SLOTS_PER_VERSION, this.state.endpointsOf(front.service, v).length);
        for (let n = have; n < need; n++) { list.push({ name: `v${k}_${n}`, version: v, endpointId: null, port: 9, endpointWeight: 1, weight: 1, versionWeight: 1, state: 'maint' }); grew = true; }
      }
      this.slots.set(i, list);
    });
    this.assignSlots();
    return grew;
  }

  private needsNewLayout(): boolean {
    return this.state.fronts.some((front, i) => {
      const list = this.slots.get(i) ?? [];
      return this.state.versionsOf(front.service).some((v) =>
        this.state.endpointsOf(front.service, v).length > list.filter((s) => s.version === v).length);
    });
  }

  /** Desired slot contents from the endpoints and weights. */
  private assignSlots(): void {
    this.state.fronts.forEach((front, i) => {
      const list = this.slots.get(i) ?? [];
      const eps = this.state.endpointsOf(front.service);
      for (const s of list) if (s.endpointId && !this.state.endpoints.has(s.endpointId)) { s.endpointId = null; s.state = 'maint'; s.port = 9; }
      for (const e of eps) {
        let s = list.find((x) => x.endpointId === e.id);
        if (!s) { s = list.find((x) => x.version === e.version && x.endpointId === null); if (!s) continue; s.endpointId = e.id; }
        s.port = e.port;
        s.state = e.down ? 'drain' : 'ready';
        s.endpointWeight = e.weight;
      }
      // A router split gives each version its share, spread over its live slots by endpoint
      // weight; without one every slot weighs its endpoint's weight. Scaled so the largest
      // slot is 256: integer endpoint weights then keep their exact ratios (3:1 → 255:85).
      const weights = this.state.weights.get(front.service) ?? null;
      const liveWeight = (v: string): number => list.reduce((sum, s) => sum + (s.version === v && s.state === 'ready' ? s.endpointWeight : 0), 0);
      const per = new Map<string, number>();
      for (const v of this.state.versionsOf(front.service)) {
        const w = liveWeight(v);
        per.set(v, w === 0 ? 0 : weights ? (weights[v] ?? 0) / w : 1);
      }
      const raw = (s: HaproxySlot): number => (per.get(s.version) ?? 0) * s.endpointWeight;
      const top = Math.max(0, ...list.map(raw));
      const heaviest = Math.max(1, ...list.map((s) => s.endpointWeight));
      for (const s of list) {
        const w = raw(s);
        s.weight = top <= 0 || w <= 0 ? 0
          : weights ? Math.max(1, Math.round((w / top) * HAPROXY_MAX_WEIGHT))
            : s.endpointWeight * Math.floor(HAPROXY_MAX_WEIGHT / heaviest);
        s.versionWeight = s.endpointWeight * Math.floor(HAPROXY_MAX_WEIGHT / heaviest);
      }
    });
  }

  /** Pushes the desired slots through the runtime API and into the config file. */
  private async syncRuntime(): Promise<void> {
    const before = new Map<string, string>();
    for (const [i, list] of this.slots) for (const s of list) before.set(`${i}/${s.name}`, slotKey(s));
    this.assignSlots();
    const cmds: string[] = [];
    for (const [i, list] of this.slots) {
      const versions = this.state.versionsOf(this.state.fronts[i].service);
      for (const s of list) {
        if (before.get(`${i}/${s.name}`) === slotKey(s)) continue;
        cmds.push(...slotCommands(`b${i}/${s.name}`, s, s.weight));
        cmds.push(...slotCommands(`b${i}_${versions.indexOf(s.version)}/${s.name}`, s, s.versionWeight));
      }
    }
    if (cmds.length > 0) {
      const reply = await this.command(cmds.join(';'));
      const bad = reply.split('\n').filter((l) => l.trim() && !/^IP changed|^no need to change|^port changed|addr changed/i.test(l.trim()));
      if (bad.length > 0) throw new Error(`haproxy runtime API refused: ${bad.join(' | ')}`);
    }
    // In force now. The config file is only read by a reload, which renders and checks it
    // from the desired state first: rewriting it here ran `haproxy -c` (70–150 ms) inside
    // every runtime change, counted it as the proxy's propagation and held the next change
    // back by as much, a lag the runtime API does not have.
  }

  private async reload(): Promise<void> {
    if (!this.child || !isRunning(this.child)) throw new Error('haproxy is not running');
    this.layoutSlots();
    await this.writeConfig();
    const oldPid = await this.workerPid();
    this.child.kill('SIGUSR2');
    this.reloads++;
    await this.waitSocket(oldPid, 5000);
  }

  private async writeConfig(): Promise<void> {
    const text = renderHaproxyConfig(this.state, this.dir, this.slots);
    const tmp = join(this.dir, 'haproxy.cfg.next');
    writeFileSync(tmp, text);
    try {
      await run(this.bin, ['-c', '-q', '-f', tmp]);
    } catch (e) {
      const msg = (e as { stderr?: string; stdout?: string }).stderr || (e as { stdout?: string }).stdout || String(e);
      throw new Error(`generated haproxy config is invalid: ${msg.trim()}`);
    }
    renameSync(tmp, join(this.dir, 'haproxy.cfg'));
  }

  private async workerPid(): Promise<string | null> {
    try {
      const info = await this.command('show info');
      return /^Pid: (\d+)/m.exec(info)?.[1] ?? null;
    } catch { return null; }
  }

  /** Waits until the admin socket answers from a worker other than `oldPid`. */
  private async waitSocket(oldPid: string | null, timeoutMs: number): Promise<void> {
    const until = performance.now() + timeoutMs;
    while (performance.now() < until) {
      const pid = await this.workerPid();
      if (pid && pid !== oldPid) return;
      if (this.child && !isRunning(this.child)) throw new Error('haproxy exited during start/reload');
      await sleepMs(10);
    }
    throw new Error(`haproxy did not answer on its admin socket within ${timeoutMs} ms`);
  }
}

/**
 * Runtime commands that bring one server to its slot's state. Maintenance first (a freed
 * slot takes no traffic while its address changes); ready and drain last, after the address
 * and weight (a drained server keeps its weight for when it is marked up again; HAProxy
 * leaves the drain in force when the weight changes).
 */
function slotCommands(server: string, s: HaproxySlot, weight: number): string[] {
  const cmds: string[] = [];
  if (s.state === 'maint') cmds.push(`set server ${server} state maint`);
  cmds.push(`set server ${server} addr 127.0.0.1 port ${s.port}`, `set server ${server} weight ${weight}`);
  if (s.state !== 'maint') cmds.push(`set server ${server} state ${s.state}`);
  return cmds;
}

function slotKey(s: HaproxySlot): string {
  return `${s.endpointId}|${s.port}|${s.weight}|${s.versionWeight}|${s.state}`;
}
