/**
 * Before a replay starts anything: every scenario string that will reach the proxy's config
 * is rendered by that proxy's own quoting, so what the proxy cannot carry (nginx cannot
 * match a header whose name has `_`; HAProxy reads a lone `}` as the end of a condition) is
 * a one-line refusal naming the scenario field, exit 2, not a run that fails at its first
 * reload with the proxy's words.
 */
import type { MatchRule, Scenario } from '../scenarios/types.ts';
import { UserError } from '../scenarios/user-error.ts';
import { PROXIES } from './proxies/index.ts';
import type { ProxyKind } from './proxy.ts';

export function preflightScenario(scenario: Scenario, proxy: ProxyKind): void {
  const check = PROXIES[proxy].checkMatch;
  for (const { path, match, tag } of routedStrings(scenario)) {
    try {
      check(match, tag, path);
    } catch (e) {
      const where = scenario.file || scenario.name;
      throw new UserError(`${where}: ${path}: cannot be replayed through ${proxy}: ${(e as Error).message}`, 2);
    }
  }
}

/** The match rules (and lane tags) a scenario's strategy routes by, with their field paths. */
function routedStrings(s: Scenario): { path: string; match: MatchRule; tag: string | null }[] {
  const strategy = s.release?.strategy;
  if (strategy?.name === 'ab') return [{ path: 'release.strategy.match', match: strategy.match, tag: null }];
  if (strategy?.name === 'lanes') {
    return strategy.lanes.map((lane, i) => ({ path: `release.strategy.lanes[${i}]`, match: lane.match, tag: lane.tag }));
  }
  return [];
}
