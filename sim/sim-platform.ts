/**
 * The simulator as a Platform: each Action becomes a call on the model's control API, and
 * waits become engine processes, so a plan runs synchronously inside the event loop and
 * stays deterministic. (The replay platform in replay/ answers the same Actions on a
 * wall clock.)
 */
import type { Action, Platform } from '../strategies/protocol.ts';
import type { Model } from './model/model.ts';
import { sleep, until } from './kernel/engine.ts';
import { own } from '../scenarios/dict.ts';
import { waitReadySatisfied } from './rules/availability.ts';
import type { RoutingWaitSpec } from '../scenarios/types.ts';

const GO_ON: RoutingWaitSpec = { waitApplied: false, grace: 0 };

export class SimPlatform implements Platform {
  private readonly routing: RoutingWaitSpec;

  constructor(private readonly model: Model) {
    this.routing = model.scenario.release?.routing ?? GO_ON;
  }

  execute(a: Action, resume: (answer: unknown) => void): void {
    const m = this.model;
    switch (a.do) {
      case 'scale': m.scale(a.service, a.version, a.replicas); return resume(undefined);
      case 'setWeights': return this.afterRouting(m.setWeights(a.service, a.weights), resume);
      case 'setRoutes': return this.afterRouting(m.setRoutes(a.service, a.routes), resume);
      case 'setMirror': m.setMirror(a.service, a.mirror); return resume(undefined);
      case 'setLoadTest': m.setLoadTest(a.service, a.load); return resume(undefined);
      case 'draw': return resume(m.streams.stream(`plan/${a.stream}`)());
      case 'setLanes': return this.afterRouting(m.setLanes(a.lanes, a.mode), resume);
      case 'markDown': return this.afterRouting(m.markDown(a.service, a.version, a.count, a.down), resume);
      case 'state': return resume(m.versionState(a.service));
      case 'metrics': return resume(m.windowStats(a.service, a.version, a.windowMs));
      case 'step': m.beginStep(a.name); return resume(undefined);
      case 'outcome': m.stepLog.outcome = a.outcome; return resume(undefined);
      case 'log': m.log.push({ t: m.now, message: a.message }); return resume(undefined);
      case 'sleep':
        m.engine.process((function* () { yield sleep(a.ms); resume(undefined); })());
        return;
      case 'now': return resume(m.now);
      case 'sleepUntil': {
        if (a.atMs <= m.now) return resume(undefined);
        const ms = a.atMs - m.now;
        m.engine.process((function* () { yield sleep(ms); resume(undefined); })());
        return;
      }
      case 'waitReady': {
        const deadline = m.now + a.timeoutMs;
        const ok = () => waitReadySatisfied(own(m.versionState(a.service), a.version), a.replicas);
        m.notifyAt(deadline);
        m.engine.process((function* () {
          yield until(() => ok() || m.now >= deadline);
          resume(ok());
        })());
        return;
      }
    }
  }

  /** A routing change was written, `appliedAt` is when the last caller routes by it. */
  private afterRouting(appliedAt: number, resume: (answer: unknown) => void): void {
    const m = this.model;
    const at = (this.routing.waitApplied ? appliedAt : m.now) + this.routing.grace;
    if (at <= m.now) return resume(undefined);
    const ms = at - m.now;
    m.engine.process((function* () { yield sleep(ms); resume(undefined); })());
  }
}
