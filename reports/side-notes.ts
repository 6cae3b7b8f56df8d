/**
 * What a run did besides serving and dropping users' requests, one short phrase each, for
 * every report of a run: mirrored copies and load-test requests (their failures are not drops), process crashes
 * of a failing version, calls between versions that do not work together.
 */
import type { RunResult } from '../sim/result/run-result.ts';
import { fmtCount } from './format.ts';

export function sideNotes(r: RunResult): string[] {
  const out: string[] = [];
  const m = r.meta;
  if (m?.mirrored) {
    out.push(`mirrored ${fmtCount(m.mirrored.sent)} copies to the canary (ok ${fmtCount(m.mirrored.ok)}, failed ${fmtCount(m.mirrored.failed)}; not users' requests, never drops)`);
  }
  if (m?.loadTest) {
    out.push(`load test sent ${fmtCount(m.loadTest.sent)} synthetic requests to the new version (ok ${fmtCount(m.loadTest.ok)}, failed ${fmtCount(m.loadTest.failed)}; not users' requests, never drops)`);
  }
  if (m?.crashes) out.push(`${fmtCount(m.crashes.restarts)} process crash${m.crashes.restarts === 1 ? '' : 'es'} restarted by the kubelet`);
  if (m?.incompatible) out.push(`${fmtCount(m.incompatible.calls)} calls to a version the caller does not work with`);
  return out;
}
