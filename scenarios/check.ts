/**
 * Cross-reference checks on a read scenario, each naming the field at fault: the entry and
 * every call target exist, the call graph has no cycle (named: `a → b → a`), released and
 * lane versions are declared, there are no more versions in all than lane paths can
 * record, lane paths in the SLO name real lanes, services and versions.
 */
import { alternatives, nameCarried } from './matching.ts';
import type { ClientSpec, MatchRule, Scenario, ServiceSpec } from './types.ts';
import { Reader, join } from './reader.ts';
import { didYouMean } from './nearest-name.ts';
import { formatDuration } from './durations.ts';
import { MAX_VERSIONS_TOTAL } from './limits.ts';

export function checkScenario(r: Reader, s: Scenario, entryPath: string): void {
  const byName = new Map(s.services.map((x) => [x.name, x]));
  const names = s.services.map((x) => x.name);
  const service = (name: string, path: string, role: string): ServiceSpec => {
    const found = byName.get(name);
    if (!found) r.fail(path, `${role} "${name}" is not a declared service${didYouMean(name, names) || ` (services: ${names.join(', ')})`}`);
    return found;
  };
  const version = (svc: ServiceSpec, v: string, path: string): void => {
    const declared = svc.versions.map((x) => x.name);
    if (!declared.includes(v)) r.fail(path, `version "${v}" is not declared by service "${svc.name}" (its versions: ${declared.join(', ')})`);
  };

  for (const svc of s.services) {
    version(svc, svc.initialVersion, `services.${svc.name}.initialVersion`);
    svc.calls.forEach((c, i) => service(c.service, join(`services.${svc.name}.calls`, i), 'call target'));
  }
  for (const svc of s.services) {
    for (const v of svc.versions) {
      for (const [callee, versions] of Object.entries(v.requires)) {
        const at = join(join(join(`services.${svc.name}.versions`, v.name), 'requires'), callee);
        const target = service(callee, at, 'required service');
        if (!svc.calls.some((c) => c.service === callee)) r.fail(at, `${svc.name} does not call ${callee} (its calls: ${svc.calls.map((c) => c.service).join(', ') || 'none'}); a requirement only applies to a called service`);
        versions.forEach((x, i) => version(target, x, versions.length > 1 ? join(at, i) : at));
      }
    }
  }
  checkVersionCount(r, s.services);
  service(s.entry.service, entryPath, 'entry service');
  warnPassiveHealthIgnored(r, s);
  warnPreStopBeyondGrace(r, s);
  warnMatchOnAbsentHeader(r, s);
  checkAcyclic(r, s.services);

  if (s.bucketMs > s.duration) r.fail('bucket', `expected a bucket no longer than the run (${formatDuration(s.duration)}), got ${formatDuration(s.bucketMs)}`);
  const rel = s.release;
  if (rel) {
    if (rel.startAt >= s.duration) r.fail('release.startAt', `expected a time before the end of the run (${formatDuration(s.duration)}), got ${formatDuration(rel.startAt)}`);
    const st = rel.strategy;
    if (st.name === 'lanes') {
      const seenNames = new Set<string>(), seenTags = new Set<string>();
      st.lanes.forEach((lane, i) => {
        const p = join('release.strategy.lanes', i);
        if (seenNames.has(lane.name)) r.fail(join(p, 'name'), `lane "${lane.name}" is declared twice`);
        if (seenTags.has(lane.tag)) r.fail(join(p, 'tag'), `tag "${lane.tag}" is used by two lanes`);
        seenNames.add(lane.name); seenTags.add(lane.tag);
        for (const [sn, ver] of Object.entries(lane.services)) {
          version(service(sn, join(join(p, 'services'), sn), 'lane service'), ver, join(join(p, 'services'), sn));
        }
      });
    }
    // After the lanes: a `to` defaulted from a lane is best reported at the lane.
    rel.services.forEach((n, i) => {
      const svc = service(n, join('release.services', i), 'released service');
      version(svc, rel.to[n], 'release.to');
    });
  }
  checkLanePaths(r, s, byName);
}

/** The version that takes the total past MAX_VERSIONS_TOTAL is reported at its service. */
function checkVersionCount(r: Reader, services: ServiceSpec[]): void {
  let total = 0;
  for (const svc of services) {
    total += svc.versions.length;
    if (total > MAX_VERSIONS_TOTAL) {
      r.fail(`services.${svc.name}.versions`, `expected at most ${MAX_VERSIONS_TOTAL} versions across all services (lane paths record each hop's version in 6 bits), got ${total} counting these`);
    }
  }
}

/** Depth-first search; the first back edge found is reported as the cycle it closes. */
function checkAcyclic(r: Reader, services: ServiceSpec[]): void {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const byName = new Map(services.map((x) => [x.name, x]));
  const visit = (name: string): void => {
    state.set(name, 'open');
    stack.push(name);
    for (const c of byName.get(name)?.calls ?? []) {
      if (state.get(c.service) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(c.service)), c.service];
        r.fail(`services.${name}.calls`, `the call graph has a cycle: ${cycle.join(' → ')}`);
      }
      if (!state.has(c.service)) visit(c.service);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const s of services) if (!state.has(s.name)) visit(s.name);
}

function checkLanePaths(r: Reader, s: Scenario, byName: Map<string, ServiceSpec>): void {
  const lanes = s.release?.strategy.name === 'lanes' ? s.release.strategy.lanes.map((l) => l.name) : [];
  for (const [lane, paths] of Object.entries(s.slo.lanePaths)) {
    const p = `slo.lanePaths.${lane}`;
    if (!lanes.includes(lane)) {
      r.fail(p, lanes.length === 0 ? `lane "${lane}" is not declared (the release strategy has no lanes)`
        : `lane "${lane}" is not declared${didYouMean(lane, lanes) || ` (lanes: ${lanes.join(', ')})`}`);
    }
    paths.forEach((path, i) => {
      for (const hop of path.split('>')) {
        const m = /^([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)$/.exec(hop.trim());
        if (!m) r.fail(join(p, i), `expected a path like "a:v2>b:v1>c:v2", got ${JSON.stringify(path)}`);
        const svc = byName.get(m[1]);
        if (!svc) r.fail(join(p, i), `service "${m[1]}" in ${JSON.stringify(path)} is not a declared service`);
        if (!svc.versions.some((v) => v.name === m[2])) r.fail(join(p, i), `version "${m[2]}" in ${JSON.stringify(path)} is not declared by service "${m[1]}"`);
      }
    });
  }
}

/**
 * The kubelet ends a preStop hook at the grace period: the rest of a longer hook never runs.
 * (A service the release never touches stops no instance at all; no-effect.ts says so.)
 */
function warnPreStopBeyondGrace(r: Reader, s: Scenario): void {
  const touched = servicesTheReleaseTouches(s);
  for (const svc of s.services) {
    if (touched && !touched.has(svc.name)) continue;
    const { preStop, terminationGracePeriod: grace } = svc.instance;
    if (preStop > grace) {
      r.warn(`services.${svc.name}.preStop`, `${formatDuration(preStop)} is longer than terminationGracePeriodSeconds (${formatDuration(grace)}): ` +
        'the kubelet ends the hook at the grace period, so the rest has no effect; raise the grace period above the preStop');
    }
  }
}

/**
 * A match on a header (cookie, query parameter) that no request carries matches nobody:
 * requests only carry what `traffic.headers` sets (and `x-user-id`), so such a lane or A/B
 * branch would silently get no traffic.
 */
function warnMatchOnAbsentHeader(r: Reader, s: Scenario): void {
  const st = s.release?.strategy;
  if (!st) return;
  const rules: [string, MatchRule][] = st.name === 'ab' ? [['release.strategy.match', st.match]]
    : st.name === 'lanes' ? st.lanes.map((l, i): [string, MatchRule] => [join(join('release.strategy.lanes', i), 'match'), l.match]) : [];
  for (const [path, rule] of rules) {
    alternatives(rule).forEach((m, k) => {
      const at = rule.any ? join(path, k) : path;
      for (const kind of ['header', 'cookie', 'query'] as const) {
        const kv = m[kind];
        if (kv && kv.name.toLowerCase() !== 'x-user-id' && !nameCarried(s.traffic.headers, kind, kv.name)) {
          const where = kind === 'cookie' ? 'traffic.headers sets no such header, nor a Cookie header with that cookie' : 'traffic.headers does not set it';
          r.warn(join(at, kind), `no request carries "${kv.name}" (${where}), so this rule matches no request`);
        }
      }
    });
  }
}

/**
 * `lb.maxFails` is nginx's passive health, modelled with nginx's smooth weighted round-robin
 * only; under another algorithm the model ignores it, so say so (once per hop it reaches).
 */
function warnPassiveHealthIgnored(r: Reader, s: Scenario): void {
  const hops: [string, ClientSpec][] = [['entry.client.lb.maxFails', s.entry.client]];
  for (const svc of s.services) svc.calls.forEach((c, i) => hops.push([`services.${svc.name}.calls.${i}.client.lb.maxFails`, c.client]));
  for (const [path, client] of hops) {
    if (client.lb.maxFails > 0 && client.lb.algorithm !== 'smooth-wrr') {
      r.warn(path, `has no effect with lb ${client.lb.algorithm}: passive health (nginx max_fails) is modelled with smooth-wrr only`);
    }
  }
}

/**
 * The services whose instances the release may start or stop: those it releases, and those
 * a lane gives a version (null without a release). Plans touch no other service (strategies/).
 */
export function servicesTheReleaseTouches(s: Scenario): Set<string> | null {
  const rel = s.release;
  if (!rel) return null;
  const out = new Set(rel.services);
  if (rel.strategy.name === 'lanes') for (const l of rel.strategy.lanes) for (const n of Object.keys(l.services)) out.add(n);
  return out;
}
