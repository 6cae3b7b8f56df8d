/**
 * A Flagger Canary's `analysis.webhooks` (canary and A/B modes) as relsim's `webhooks`.
 * A manifest says which hooks exist, not how they will answer, so relsim assumes what a
 * working hook does — a gate opens at once, a check passes — and says so in a warning
 * naming the fields that would say otherwise. A load test (`metadata.cmd` running `hey`
 * with a rate, `-q` per worker × `-c` workers) becomes a load test at that rate; one whose
 * rate cannot be read, and a rollback hook (which needs a time to ask at), stay warnings.
 */
import type { ManifestReader } from '../manifest-reader.ts';
import type { ImportState } from '../import-state.ts';
import { GATE_TYPES } from '../../types.ts';

/** Load generators Flagger's load tester runs (`metadata.cmd`). */
const LOAD_GENERATOR = /(^|[\s;&|/])(hey|ghz|wrk2?|k6|vegeta|fortio|bombardier|siege|locust|jmeter)(\s|$)/;

/** Whether a webhook drives a load generator (by its command, or by its name when the command is elsewhere). */
export function isLoadTestHook(cmd: string, name: string): boolean {
  return LOAD_GENERATOR.test(cmd) || /load[-_ ]?test/i.test(name);
}
/** hey's default worker count (`-c`). */
const HEY_WORKERS = 50;

export function importWebhooks(state: ImportState, r: ManifestReader, a: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  (r.list(`${a}.webhooks`) ?? []).forEach((_, i) => {
    const h = `${a}.webhooks[${i}]`;
    const type = r.string(`${h}.type`) || 'rollout';
    const name = r.string(`${h}.name`) ?? `webhook-${i}`;
    const quoted = JSON.stringify(name);
    const cmd = String(r.get(`${h}.metadata.cmd`) ?? '');
    const loadTest = isLoadTestHook(cmd, name);
    if ((GATE_TYPES as readonly string[]).includes(type)) {
      out.push({ name, type });
      state.warn(r.doc, h, `${type} webhook ${quoted}: relsim assumes it opens at once (a manifest cannot say when a person approves); give it openAt (a time, or never) or passProbability in release.strategy.webhooks to hold the release`);
    } else if (type === 'rollout' || type === 'pre-rollout') {
      if (!loadTest) {
        out.push({ name, type });
        state.warn(r.doc, h, `${type} webhook ${quoted}: relsim assumes it always passes (it cannot run the check); give it failAt or failProbability in release.strategy.webhooks to see a failure`);
        return;
      }
      const rate = type === 'rollout' ? heyRate(cmd) : null;
      if (rate === null) {
        state.warn(r.doc, h, `${type} webhook ${quoted} is a load test: not modelled; ${type === 'rollout'
          ? 'relsim reads the rate of `hey -q <per worker> [-c <workers>]` only'
          : 'relsim runs load tests as rollout hooks only (during the analysis)'}; give a rollout webhook loadTest: {rate} in release.strategy.webhooks`);
        return;
      }
      out.push({ name, type: 'rollout', loadTest: { rate } });
    } else if (type === 'rollback') {
      state.warn(r.doc, h, `rollback webhook ${quoted}: treated as never asking for a rollback; give a rollback webhook at (a time) or probability in release.strategy.webhooks`);
    } else if (type !== 'post-rollout' && type !== 'event') {
      // post-rollout runs after the release and changes nothing by default; event only notifies.
      state.warn(r.doc, `${h}.type`, `unknown webhook type ${JSON.stringify(type)}: not modelled`);
    }
  });
  return out;
}

/** requests/s of a `hey` command line with `-q` (per worker) and `-c` (workers, 50 by default); null otherwise. */
function heyRate(cmd: string): number | null {
  const words = cmd.trim().split(/\s+/);
  const at = words.findIndex((w) => w === 'hey' || w.endsWith('/hey'));
  if (at < 0) return null;
  const flag = (f: string): number | null => {
    const k = words.indexOf(f, at);
    const v = k >= 0 ? Number(words[k + 1]) : NaN;
    return Number.isFinite(v) && v > 0 ? v : null;
  };
  const q = flag('-q');
  if (q === null) return null; // without -q hey sends as fast as it can: no rate to model
  return q * (flag('-c') ?? HEY_WORKERS);
}
