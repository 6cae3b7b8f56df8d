/**
 * The CLI's way to load a scenario: scenarios/load.ts, plus its warnings (fields accepted
 * but without effect) on stderr as `relsim: warning: …`. A warning never changes the exit
 * code, and stderr keeps stdout clean for `--json -`.
 */
import { loadScenario } from '../scenarios/load.ts';
import type { Scenario } from '../scenarios/types.ts';

export function loadScenarioWithWarnings(file: string): Scenario {
  const scenario = loadScenario(file);
  for (const w of scenario.warnings ?? []) process.stderr.write(`relsim: warning: ${w}\n`);
  return scenario;
}
