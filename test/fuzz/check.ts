/**
 * What one mutant does to relsim, judged as the CLI would show it: accepted (exit 0), one
 * clean line (exit 2), or a broken promise — an exception that is not a user error (a stack
 * trace), an error spanning lines or carrying terminal escapes, a run that breaks
 * conservation, or a load or run beyond the per-file time bound.
 *
 *   const verdict = checkMutant(m);   // { outcome, ms, detail }
 */
import { parseScenario } from '../../scenarios/load.ts';
import { UserError } from '../../scenarios/user-error.ts';
import { EventCapError } from '../../sim/kernel/engine.ts';
import { simulate } from '../../sim/simulate.ts';
import { summarizeRun } from '../../reports/summary.ts';
import { renderRunMarkdown } from '../../reports/markdown.ts';
import type { Mutant } from './mutate.ts';

export type Outcome = 'valid' | 'refused' | 'capped' | 'crash' | 'multiline' | 'conservation' | 'slow' | 'stray-warning';

// A library's process warning ("(node:123) Warning: …") would reach the user's stderr
// beside relsim's one line; each one counts against the mutant that caused it.
// process.emitWarning delivers its event on a later tick, after a synchronous loop of
// mutants has moved on, so the call itself is recorded.
let warnings: string[] = [];
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
  warnings.push(typeof warning === 'string' ? warning : warning.message);
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

export interface Verdict { outcome: Outcome; ms: number; detail: string }

/** A load or a bounded run slower than this is a hang, not a slow machine. */
export const PER_FILE_MS = 20_000;
/** The bounded run: enough to reach the rollout's first steps, cheap enough for thousands of mutants. */
const RUN_MS = 30_000;
const RUN_EVENTS = 50_000;

export function checkMutant(m: Mutant, opts: { run: boolean } = { run: true }): Verdict {
  const t0 = performance.now();
  warnings = [];
  let verdict: Verdict;
  try {
    const scenario = parseScenario(m.text, m.file);
    verdict = { outcome: 'valid', ms: 0, detail: '' };
    if (opts.run) {
      const bounded = { ...scenario, duration: Math.min(scenario.duration, RUN_MS), limits: { ...scenario.limits, maxEvents: RUN_EVENTS } };
      const r = simulate(bounded);
      const { offered, ok, dropped, inFlightAtEnd } = r.requests;
      if (offered !== ok + dropped + inFlightAtEnd) verdict = { outcome: 'conservation', ms: 0, detail: `offered ${offered} ≠ ${ok} + ${dropped} + ${inFlightAtEnd}` };
      JSON.stringify(r);
      summarizeRun(r);
      renderRunMarkdown(r);
    }
  } catch (e) {
    verdict = classifyError(e);
  }
  const ms = performance.now() - t0;
  if (warnings.length > 0 && verdict.outcome !== 'crash') verdict = { outcome: 'stray-warning', ms, detail: warnings.join(' | ') };
  if (ms > PER_FILE_MS && verdict.outcome !== 'crash') verdict = { outcome: 'slow', ms, detail: `${Math.round(ms)} ms` };
  return { ...verdict, ms };
}

function classifyError(e: unknown): Verdict {
  if (e instanceof EventCapError) return { outcome: 'capped', ms: 0, detail: e.message };
  if (!(e instanceof UserError)) return { outcome: 'crash', ms: 0, detail: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  if (e.exitCode !== 2) return { outcome: 'crash', ms: 0, detail: `exit code ${e.exitCode}: ${e.message}` };
  if (!isOneCleanLine(e.message)) return { outcome: 'multiline', ms: 0, detail: JSON.stringify(e.message) };
  return { outcome: 'refused', ms: 0, detail: e.message };
}

/** One line a terminal shows as written: no line breaks, no control characters. */
export function isOneCleanLine(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s);
}
