/**
 * A load tester (Flagger's flagger-loadtester running `hey` against the canary Service):
 * synthetic requests at a constant rate straight to one version of a service, from a
 * caller of its own (its own registry view, like any client in the cluster). They load the
 * version and are measured by the analysis like any request it serves, but no user sent
 * them: they are never offered, never drops, and are counted apart (`meta.loadTest`).
 * They carry no user: their user id is 0. Constant spacing (hey's `-q` rate limit) needs
 * no random draw, so a load test shifts no other stream.
 */
import type { Model } from './model.ts';
import type { LoadTest } from '../../strategies/protocol-types.ts';
import { onLoadTestArrival } from './request-path.ts';

export interface LoadTester {
  /** Local version index its requests go to. */
  version: number;
  /** The load tester's view of the service. */
  view: number;
  periodMs: number;
  /** Tells its own arrival events from a stopped tester's. */
  gen: number;
}


/** Starts (or with null stops) the service's load test; the first request goes one period later. */
export function setLoadTest(m: Model, service: string, load: LoadTest | null): void {
  const s = m.topo.index(service);
  const gen = ++m.loadTestGen;
  if (load === null) { m.loadTests[s] = null; return; }
  const periodMs = 1000 / load.rate;
  m.loadTests[s] = { version: m.topo.versionIndex(s, load.version), view: m.loadTesterView(s), periodMs, gen };
  if (m.now + periodMs < m.scenario.duration) m.engine.schedule(periodMs, m.K_LOAD_TEST, s, gen);
}

export function onLoadTestTick(m: Model, s: number, gen: number): void {
  const lt = m.loadTests[s];
  if (lt === null || lt.gen !== gen) return;
  if (m.now + lt.periodMs < m.scenario.duration) m.engine.schedule(lt.periodMs, m.K_LOAD_TEST, s, gen);
  onLoadTestArrival(m, lt.view);
}
