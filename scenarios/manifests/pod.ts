/**
 * A pod template's lifecycle, as the relsim service's instance settings: the grace period,
 * the preStop hook (a `sleep N`, by exec or the newer `sleep` action), the readiness probe's
 * timing, and minReadySeconds. relsim models one container per instance: the first, unless
 * another is the only one with a readiness probe.
 */
import type { ImportState, Workload } from './import-state.ts';

const PROBE_FIELDS = ['initialDelaySeconds', 'periodSeconds', 'successThreshold'] as const;

export function importPod(state: ImportState, w: Workload): void {
  const { r, path } = w.pod;
  const svc = w.service;
  const spec = `${path}.spec`;
  const set = (field: string, value: unknown, at: string) => state.set(['services', svc, field], value, r.source(at));

  const grace = r.int(`${spec}.terminationGracePeriodSeconds`);
  if (grace !== undefined) set('terminationGracePeriodSeconds', grace, `${spec}.terminationGracePeriodSeconds`);

  const containers = r.list(`${spec}.containers`) ?? [];
  if (containers.length === 0) r.fail(`${spec}.containers`, 'expected at least one container');
  const probed = containers.flatMap((c, i) => (r.has(`${spec}.containers[${i}].readinessProbe`) ? [i] : []));
  const main = probed.length === 1 ? probed[0] : 0;
  const c = `${spec}.containers[${main}]`;
  if (containers.length > 1) {
    state.warn(r.doc, `${spec}.containers`, `${containers.length} containers; relsim models one per instance and reads ${r.string(`${c}.name`) ?? `containers[${main}]`}'s lifecycle and probe`);
  }

  const preStop = preStopSeconds(state, w, `${c}.lifecycle.preStop`);
  if (preStop !== undefined) set('preStop', `${preStop}s`, `${c}.lifecycle.preStop`);

  const probe = `${c}.readinessProbe`;
  if (r.has(probe)) {
    const out: Record<string, number> = {};
    for (const f of PROBE_FIELDS) {
      const v = r.int(`${probe}.${f}`, { min: f === 'initialDelaySeconds' ? 0 : 1 });
      if (v !== undefined) out[f] = v;
    }
    // Kubernetes' probe defaults (period 10 s, success 1) are relsim's too.
    if (Object.keys(out).length > 0) set('readinessProbe', out, probe);
    if (r.has(`${probe}.failureThreshold`)) state.warn(r.doc, `${probe}.failureThreshold`, 'not modelled: a ready instance never fails its probe in relsim');
    if (r.has(`${probe}.timeoutSeconds`)) state.warn(r.doc, `${probe}.timeoutSeconds`, 'not modelled: probes answer at once in relsim');
  } else {
    state.warn(r.doc, c, 'no readinessProbe: Kubernetes marks the pod ready as soon as its container starts, which relsim cannot model; ' +
      `relsim's default probe (every 10 s) is used — set services.${svc}.readinessProbe in the model to change it`);
  }
  if (r.has(`${c}.startupProbe`)) {
    state.warn(r.doc, `${c}.startupProbe`, `not modelled: readiness is probed from the start; fold its delay into services.${svc}.startup in the model`);
  }
}

/** Seconds a preStop hook sleeps, undefined without one; anything else than a sleep is warned about. */
function preStopSeconds(state: ImportState, w: Workload, at: string): number | undefined {
  const { r } = w.pod;
  const hook = r.map(at);
  if (!hook) return undefined;
  const sleep = r.int(`${at}.sleep.seconds`);
  if (sleep !== undefined) return sleep;
  const command = r.list(`${at}.exec.command`);
  if (command) {
    const text = command.map(String).join(' ');
    const m = /(?:^|[\s;&|'"])sleep\s+(\d+(?:\.\d+)?)s?(?=$|[\s;&|'"])/.exec(text);
    if (m) {
      const rest = text.replace(m[0], ' ').replace(/^(\/bin\/)?(ba)?sh\s+-c\s*/, '').replace(/[\s;&|'"]+/g, ' ').trim();
      if (rest !== '' && !/^(\/bin\/)?(ba)?sh( -c)?$/.test(rest)) {
        state.warn(r.doc, `${at}.exec.command`, `only its sleep (${m[1]} s) is modelled; the rest (${JSON.stringify(rest.slice(0, 60))}) is not`);
      }
      return Number(m[1]);
    }
    state.warn(r.doc, `${at}.exec.command`, `not a sleep, so its duration is unknown; set services.${w.service}.preStop in the model to how long it takes`);
    return undefined;
  }
  state.warn(r.doc, at, `a ${Object.keys(hook).join('/')} hook has no duration relsim can read; set services.${w.service}.preStop in the model to how long it takes`);
  return undefined;
}
