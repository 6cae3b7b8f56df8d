/**
 * What a match rule means, once, for every platform: the simulator compiles rules with it
 * (sim/model/traffic.ts), the replay's recorder judges sent requests with it, and the
 * replay expands prefix and regex values into the exact values the scenario's traffic
 * carries before a proxy config sees them (replay/match-expansion.ts), so no proxy's regex
 * dialect can differ from the simulator's.
 *
 *   valueMatches({name, value: 'beta-', kind: 'prefix'}, 'beta-7')   // true
 *   alternatives(rule)                                               // the rules one of which must hold
 *   cookiePairs('a=1; b=2')                                          // [['a', '1'], ['b', '2']]
 */
import type { MatchRule, MatchValue } from './types.ts';

/** Whether `actual` satisfies the value condition: exact, prefix, or a regex matching the whole value. */
export function valueMatches(spec: MatchValue, actual: string): boolean {
  if (spec.kind === 'prefix') return actual.startsWith(spec.value);
  if (spec.kind === 'regex') return wholeRegex(spec.value).test(actual);
  return actual === spec.value;
}

/** The user ids 1..users whose digits satisfy an `x-user-id` condition (a condition on x-user-id reads the user id). */
export function userIdsMatching(spec: MatchValue, users: number): number[] {
  const out: number[] = [];
  for (let u = 1; u <= users; u++) if (valueMatches(spec, String(u))) out.push(u);
  return out;
}

/** The rules one of which must hold: a rule's `any`, or the rule itself. */
export function alternatives(m: MatchRule): MatchRule[] {
  return m.any ?? [m];
}

/**
 * A Cookie header's `name=value` pairs, names lower case (as the model compares every
 * attribute name), in order; a piece without `=` is no cookie and is skipped.
 */
export function cookiePairs(header: string): [string, string][] {
  const out: [string, string][] = [];
  for (const piece of header.split(';')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const name = piece.slice(0, eq).trim().toLowerCase();
    if (name !== '') out.push([name, piece.slice(eq + 1).trim()]);
  }
  return out;
}

/** The attribute that holds a user's Cookie header (lower case, as names are compared). */
export const COOKIE_HEADER = 'cookie';

/**
 * Istio (RE2, through Envoy) and Gateway API match a regex against the whole value; so
 * does relsim. Compiled once per pattern: rules are compiled when set, never per request.
 */
const compiled = new Map<string, RegExp>();

/** Whether `pattern` is a regex JavaScript reads (importers test a manifest's pattern with it before keeping it). */
export function isRegex(pattern: string): boolean {
  try { wholeRegex(pattern); return true; } catch { return false; }
}

export function wholeRegex(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * The values requests can carry under `name` for a header, cookie or query condition:
 * the values of the traffic's header rules of that name (given to some users), and for a
 * cookie also those of the pairs in the Cookie header rules. Empty: nobody carries it.
 */
export function valuesCarried(headers: readonly { name: string; value: string; fraction: number }[], kind: 'header' | 'cookie' | 'query', name: string): string[] {
  const lower = name.toLowerCase();
  const out = new Set<string>();
  for (const h of headers) {
    if (h.fraction <= 0) continue;
    const hn = h.name.toLowerCase();
    if (hn === lower) out.add(h.value);
    if (kind === 'cookie' && hn === COOKIE_HEADER) for (const [n, v] of cookiePairs(h.value)) if (n === lower) out.add(v);
  }
  return [...out];
}

/** Whether any header rule names `name` (for a cookie, also as a pair of a Cookie header rule), whatever its fraction. */
export function nameCarried(headers: readonly { name: string; value: string }[], kind: 'header' | 'cookie' | 'query', name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some((h) => {
    const hn = h.name.toLowerCase();
    return hn === lower || (kind === 'cookie' && hn === COOKIE_HEADER && cookiePairs(h.value).some(([n]) => n === lower));
  });
}

/** A rule as a scenario file writes it (`{name, prefix}` / `{name, regex}`, a list for `any`): what `relsim import` emits. */
export function matchAsWritten(m: MatchRule): unknown {
  if (m.any) return m.any.map(matchAsWritten);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    const kv = v as MatchValue;
    out[k] = (k === 'header' || k === 'cookie' || k === 'query') && kv.kind ? { name: kv.name, [kv.kind]: kv.value } : v;
  }
  return out;
}
