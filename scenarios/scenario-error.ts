/**
 * A mistake in a scenario file: one line naming the file, the field path, what was
 * expected and what was found — `x.yaml: services.a.replicas: expected a positive integer,
 * got -2`. Exit code 2 (bad input, CONTRACT.md).
 */
import { UserError } from '../bin/user-error.ts';

export class ScenarioError extends UserError {
  constructor(readonly file: string, readonly fieldPath: string, readonly problem: string) {
    super(scenarioLine(file, fieldPath, problem), 2);
    this.name = 'ScenarioError';
  }
}

/** `file: field.path: problem`, the one-line form of scenario errors and warnings alike. */
export function scenarioLine(file: string, fieldPath: string, problem: string): string {
  return fieldPath ? `${file}: ${fieldPath}: ${problem}` : `${file}: ${problem}`;
}

/** The offending value as a user would recognise it in their file. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (typeof v === 'object') return Object.keys(v).length === 0 ? 'an empty map' : 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  return String(v);
}
