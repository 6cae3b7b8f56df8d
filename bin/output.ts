/**
 * Where a command's outputs go, shared by every command that writes files. An output flag
 * set to `-` writes its document to stdout instead of a file; only the flags in
 * STDOUT_FLAGS accept it, and only one of them per command line, since two documents on
 * one stream could not be told apart. While stdout carries a document, the human summary
 * goes to stderr, so `relsim run x.yaml --md - > report.md` holds the report alone.
 * Files are checked before the command does any work and written atomically after it
 * (output-file.ts): a bad path costs no run, a failed write leaves no partial file.
 */
import { UserError } from '../scenarios/user-error.ts';
import { unwritable, writeAtomically } from './output-file.ts';

/** Output flags (without `--`) that accept `-` for stdout. cli.ts joins `--flag -` for yargs. */
export const STDOUT_FLAGS: readonly string[] = ['json', 'md', 'junit'];

export interface Outputs {
  /** True when one of the outputs goes to stdout. */
  readonly toStdout: boolean;
  /** Human-readable text: stdout, or stderr when stdout carries a document. */
  say(text: string): void;
  /** One flag's document, to its file (then `wrote F` on stderr) or to stdout; nothing when the flag is unset. */
  write(flag: string, text: string): void;
}

/**
 * Checks a command's output flags (flag name without `--` → value as given) before any
 * work is done, so a mistake costs no simulation or replay: `-` only where accepted and
 * at most once, no empty value, and every file writable — not a directory, in a directory
 * that exists and takes new files.
 */
export function outputs(flags: Record<string, string | undefined>): Outputs {
  const given = Object.entries(flags).filter((e): e is [string, string] => e[1] !== undefined);
  for (const [flag, value] of given) checkTarget(flag, value);
  const toStdout = given.filter(([, value]) => value === '-').map(([flag]) => `--${flag}`);
  if (toStdout.length > 1) {
    throw new UserError(`${toStdout.join(' and ')}: only one output can go to stdout ('-'); send the others to files`, 2);
  }
  const stdoutTaken = toStdout.length === 1;
  return {
    toStdout: stdoutTaken,
    say: (text) => { (stdoutTaken ? process.stderr : process.stdout).write(`${text}\n`); },
    write: (flag, text) => writeTarget(flag, flags[flag], text),
  };
}

function checkTarget(flag: string, value: string): void {
  if (value === '') throw new UserError(`--${flag}: expected a file name${STDOUT_FLAGS.includes(flag) ? " or '-' for stdout" : ''}`, 2);
  if (value === '-') {
    if (STDOUT_FLAGS.includes(flag)) return;
    throw new UserError(`--${flag}: cannot go to stdout ('-' is only for ${STDOUT_FLAGS.map((f) => `--${f}`).join(', ')}); name a file`, 2);
  }
  const problem = unwritable(value);
  if (problem !== null) throw new UserError(`--${flag} ${value}: ${problem}`, 2);
}

function writeTarget(flag: string, target: string | undefined, text: string): void {
  if (target === undefined) return;
  if (target === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeAtomically(target, text);
  } catch (e) {
    throw new UserError(`--${flag} ${target}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 2);
  }
  console.error(`wrote ${target}`);
}
