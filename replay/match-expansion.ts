/**
 * Prefix and regex values, made exact for a proxy config: a rule's value conditions are
 * replaced by the exact values the scenario's traffic can carry that satisfy them
 * (scenarios/matching.ts decides which), so the config never holds a pattern. Both proxies
 * then match exactly what the simulator matches for every request the replay sends, with
 * no difference between JavaScript's, nginx's (PCRE) or HAProxy's regex dialects, and no
 * user-written pattern inside a config.
 *
 *   exactRule({header: {name: 'x-cohort', value: 'beta-', kind: 'prefix'}}, traffic)
 *     → {any: [{header: {name: 'x-cohort', value: 'beta-1'}}, {header: {…'beta-2'}}]}
 *
 * A condition no carried value satisfies leaves its alternative out; a rule with no
 * alternative left is `{any: []}`, which the renderers make a rule that never holds.
 */
import { alternatives, userIdsMatching, valueMatches, valuesCarried } from '../scenarios/matching.ts';
import type { MatchRule, MatchValue, TrafficSpec } from '../scenarios/types.ts';

/** Above this many exact alternatives a rule is refused: a config is no place for a product of value lists. */
const MAX_ALTERNATIVES = 256;

export function exactRule(rule: MatchRule, traffic: TrafficSpec): MatchRule {
  if (!needsExpansion(rule)) return rule;
  const out: MatchRule[] = [];
  for (const alt of alternatives(rule)) out.push(...expandOne(alt, traffic));
  if (out.length > MAX_ALTERNATIVES) {
    throw new Error(`a match rule's prefix/regex values expand to ${out.length} exact alternatives for the proxy config (at most ${MAX_ALTERNATIVES}); narrow the pattern or the values traffic.headers carries`);
  }
  return out.length === 1 ? out[0] : { any: out };
}

function needsExpansion(rule: MatchRule): boolean {
  return alternatives(rule).some((m) => [m.header, m.cookie, m.query].some((kv) => kv?.kind !== undefined));
}

/** One AND-rule as the exact AND-rules it stands for (none: it matches no request the replay sends). */
function expandOne(m: MatchRule, traffic: TrafficSpec): MatchRule[] {
  let out: MatchRule[] = [{ ...m }];
  for (const kind of ['header', 'cookie', 'query'] as const) {
    const kv = m[kind];
    if (!kv?.kind) continue;
    if (kv.name.toLowerCase() === 'x-user-id') {
      // The user id itself: the ids 1..users whose digits match, as a userIds condition.
      const ids = userIdsMatching(kv, traffic.users);
      const kept = m.userIds ? ids.filter((u) => m.userIds!.includes(u)) : ids;
      if (kept.length === 0) return [];
      out = out.map((r) => { const x = { ...r, userIds: kept }; delete x[kind]; return x; });
      continue;
    }
    const values = valuesCarried(traffic.headers, kind, kv.name).filter((v) => valueMatches(kv, v));
    if (values.length === 0) return [];
    out = out.flatMap((r) => values.map((value): MatchRule => ({ ...r, [kind]: { name: kv.name, value } satisfies MatchValue })));
  }
  return out;
}
