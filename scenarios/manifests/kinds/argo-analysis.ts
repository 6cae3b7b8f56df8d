/**
 * Argo AnalysisTemplates as relsim analysis: a metric whose query and condition read as a
 * success rate (`result[0] >= 0.95` over non-5xx ÷ all, or an error rate `<= 0.01`) or a
 * latency percentile (`histogram_quantile(0.99, …)` with `result[0] < 0.5`) becomes
 * `successRate` or `latency`; `interval`, `count`, `failureLimit` and `inconclusiveLimit`
 * carry over. A metric relsim cannot evaluate (another query, a web or job provider) is
 * named in a warning and treated as passing, as the contract says: relsim never
 * pretends to judge what it cannot compute.
 */
import { ManifestReader } from '../manifest-reader.ts';
import type { ImportState } from '../import-state.ts';
import { formatDuration } from '../../durations.ts';

/** relsim's analysis block, as written in a scenario file. */
export type AnalysisBlock = Record<string, unknown>;

/**
 * (Template `args` only fill in query text; relsim reads a query's shape, not its values.)
 *
 * The templates a Rollout's `analysis`/`prePromotionAnalysis`/analysis step names, merged
 * into one relsim analysis; null when none of their metrics could be mapped.
 */
export function analysisFromTemplates(state: ImportState, r: ManifestReader, at: string): AnalysisBlock | null {
  const refs = r.list(`${at}.templates`) ?? [];
  if (refs.length === 0) r.fail(`${at}.templates`, 'expected at least one {templateName}');
  const out: AnalysisBlock = {};
  let cadenceFrom = '';
  refs.forEach((_, i) => {
    const name = r.string(`${at}.templates[${i}].templateName`);
    if (!name) r.fail(`${at}.templates[${i}].templateName`, 'expected the name of an AnalysisTemplate');
    const cluster = r.bool(`${at}.templates[${i}].clusterScope`) === true;
    const doc = state.find('argoproj.io', cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate', name);
    if (!doc) r.fail(`${at}.templates[${i}].templateName`, `no ${cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} named ${JSON.stringify(name)} among the manifests`);
    const t = new ManifestReader(doc);
    (t.list('spec.metrics') ?? []).forEach((__, k) => {
      const m = `spec.metrics[${k}]`;
      const mapped = mapMetric(state, t, m);
      if (!mapped) return;
      Object.assign(out, mapped.judge);
      const cadence = cadenceOf(t, m);
      if (cadenceFrom === '') {
        Object.assign(out, cadence);
        cadenceFrom = t.source(m);
      } else if (JSON.stringify(cadence) !== JSON.stringify(pick(out, Object.keys(cadence)))) {
        state.warn(doc, m, `relsim measures all metrics on one cadence; it uses ${cadenceFrom}'s interval, count and limits`);
      }
    });
  });
  return Object.keys(out).length > 0 ? out : null;
}

function pick(o: AnalysisBlock, keys: string[]): AnalysisBlock {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

function cadenceOf(t: ManifestReader, m: string): AnalysisBlock {
  const out: AnalysisBlock = {};
  const interval = t.duration(`${m}.interval`);
  if (interval !== undefined) out.interval = formatDuration(interval);
  for (const f of ['count', 'failureLimit', 'inconclusiveLimit'] as const) {
    const v = t.get(`${m}.${f}`);
    // Argo allows a string count ("{{args.count}}"); only numbers are read.
    if (typeof v === 'number') out[f] = v;
  }
  return out;
}

const CONDITION = /result(?:\[0\])?\s*(>=|>|<=|<)\s*(\d+(?:\.\d+)?)/;

/** One metric as relsim's successRate or latency; null (with a warning) when it cannot be. */
function mapMetric(state: ImportState, t: ManifestReader, m: string): { judge: AnalysisBlock } | null {
  const name = t.string(`${m}.name`) ?? m;
  const skip = (why: string) => {
    state.warn(t.doc, m, `metric ${JSON.stringify(name)}: ${why}; relsim treats it as passing`);
    return null;
  };
  if (t.bool(`${m}.dryRun`)) return skip('dryRun (measured, never enforced)');
  if (t.has(`${m}.initialDelay`)) state.warn(t.doc, `${m}.initialDelay`, 'not modelled: relsim measures from the start of the analysis');
  if (t.has(`${m}.consecutiveErrorLimit`)) state.warn(t.doc, `${m}.consecutiveErrorLimit`, 'has no effect: relsim\'s measurements never error');
  const provider = t.map(`${m}.provider`) ?? {};
  const kind = Object.keys(provider)[0] ?? 'none';
  const query = String(t.get(`${m}.provider.${kind}.query`) ?? '');
  if (query === '') return skip(`a ${kind} provider without a query relsim can read`);
  const success = t.string(`${m}.successCondition`);
  const failure = t.string(`${m}.failureCondition`);
  let cond = success ? CONDITION.exec(success) : null;
  let op = cond?.[1];
  if (!cond && failure) {
    // A failure condition is the negation of the success condition relsim wants.
    cond = CONDITION.exec(failure);
    op = cond ? ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as Record<string, string>)[cond[1]] : undefined;
  }
  if (!cond || !op) return skip(`its condition (${JSON.stringify(success ?? failure ?? '')}) is not a bound on result`);
  const bound = Number(cond[2]);
  const q = query.toLowerCase();
  const quantile = /histogram_quantile\(\s*(0?\.\d+|1(?:\.0+)?)/.exec(q);
  if (quantile && (op === '<' || op === '<=')) {
    const p = Math.round(Number(quantile[1]) * 1000) / 10;
    const seconds = /_seconds|seconds_bucket/.test(q);
    const ms = /_ms\b|millisecond/.test(q);
    if (!seconds && !ms) return skip('a latency query whose unit relsim cannot tell (seconds or milliseconds)');
    return { judge: { latency: { p, max: formatDuration(Math.round(seconds ? bound * 1000 : bound)) } } };
  }
  const errorish = /5\.\.|5xx|"5|error|fail/.test(q);
  if (bound <= 1 && (op === '>=' || op === '>') && (errorish || /success|2\.\.|2xx/.test(q))) return { judge: { successRate: bound } };
  if (bound <= 1 && (op === '<=' || op === '<') && errorish) return { judge: { successRate: Math.round((1 - bound) * 1e9) / 1e9 } };
  return skip('its query is neither a success or error rate nor a latency percentile');
}
