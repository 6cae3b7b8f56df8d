/** `--strategies a,b` / `--strategy a,b`: known names, at least one, none twice. */
import { STRATEGY_NAMES, type StrategyName } from '../scenarios/types.ts';
import { UserError } from '../scenarios/user-error.ts';

export function parseStrategyList(flag: string, list: string): StrategyName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UserError(`--${flag}: name at least one strategy`, 2);
  for (const n of names) {
    if (!(STRATEGY_NAMES as readonly string[]).includes(n)) {
      throw new UserError(`--${flag}: unknown strategy '${n}' (expected one of ${STRATEGY_NAMES.join(', ')})`, 2);
    }
  }
  if (new Set(names).size !== names.length) throw new UserError(`--${flag}: a strategy is named twice`, 2);
  return names as StrategyName[];
}
