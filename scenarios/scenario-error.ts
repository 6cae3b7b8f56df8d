/**
 * A mistake in a scenario file: one line naming the file, the field path, what was
 * expected and what was found — `x.yaml: services.a.replicas: expected a positive integer,
 * got -2`. Exit code 2 (bad input, as the README's command table says).
 */
import { UserError } from './user-error.ts';

export class ScenarioError extends UserError {
  constructor(readonly file: string, readonly fieldPath: string, readonly problem: string) {
    super(scenarioLine(file, fieldPath, problem), 2);
    this.name = 'ScenarioError';
  }
}

/** `file: field.path: problem`, the one-line form of scenario errors and warnings alike. */
export function scenarioLine(file: string, fieldPath: string, problem: string): string {
  return oneLine(fieldPath ? `${file}: ${fieldPath}: ${problem}` : `${file}: ${problem}`);
}

/**
 * Control characters written as escapes (`\n`, `\u001b`): whatever part of a file a
 * message quotes, it stays one line and cannot drive the user's terminal.
 */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The offending value as a user would recognise it in their file. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (typeof v === 'object') return Object.keys(v).length === 0 ? 'an empty map' : 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  return String(v);
}
