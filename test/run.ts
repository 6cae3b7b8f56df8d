/**
 * The test runner behind `npm test`: every test/**\/*.test.ts (or those under the directory
 * and matching the pattern given) in its own process, two at a time, then one
 * `N passed, N failed` line and an explicit exit.
 *
 * Two files run at once on a 2-core machine. Files that start processes (the CLI, real
 * proxies and backends) get a process each and go first, the longest kinds first; the
 * light ones (pure computation) share a process in batches of LIGHT_BATCH, since starting
 * a TypeScript process costs more than most of them take. A file whose assertions depend
 * on having the CPU to itself (a throughput comparison, a proxy under load) says so with a
 * line `// test:exclusive` and runs after the others, alone. A file marked `// test:separate`
 * (the proxies' config-injection suite: over a minute of proxy starts) is left out of the
 * whole-suite run, which must stay under 5 minutes on two cores; it runs when a pattern
 * names it (`npm run test:injection`), and CI runs it after `npm test`. A process that neither
 * finishes nor fails within FILE_TIMEOUT_MS is killed and counted as failed, so CI never hangs.
 *
 *   node --import tsx test/run.ts [dir] [pattern]
 *   RELSIM_TEST_JOBS=1 node --import tsx test/run.ts    # one file at a time
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';

const FILE_TIMEOUT_MS = 240_000;
const LIGHT_BATCH = 12;

const [dir = 'test', pattern = ''] = process.argv.slice(2);
const jobs = Math.max(1, Number(process.env.RELSIM_TEST_JOBS) || Math.min(2, availableParallelism()));

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  ms: number;
  ok: boolean;
}

const running = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill(signal);
    process.exit(130);
  });
}

const files = testFiles(dir, pattern);
if (files.length === 0) {
  console.error(`test/run.ts: no test file under ${dir}${pattern ? ` matches ${pattern}` : ''}`);
  process.exit(1);
}
const exclusive = files.filter(isExclusive).map((f) => [f]);
const heavy = files.filter((f) => !isExclusive(f) && weight(f) > 0).map((f) => [f]);
const light = files.filter((f) => !isExclusive(f) && weight(f) === 0);
const batches: string[][] = [];
for (let i = 0; i < light.length; i += LIGHT_BATCH) batches.push(light.slice(i, i + LIGHT_BATCH));

const started = Date.now();
const results = [...(await pool([...heavy, ...batches], jobs)), ...(await pool(exclusive, 1))];
report(results, Date.now() - started);

/** Test files under `root` whose path matches `pattern`, heaviest (by directory) first. */
function testFiles(root: string, pattern: string): string[] {
  // A pattern narrows the test files; it never picks up a fixture that happens to match.
  const match = new RegExp(`^(?=.*(?:${pattern})).*\\.test\\.ts$`);
  const found = (readdirSync(root, { recursive: true }) as string[])
    .map((f) => join(root, f))
    .filter((f) => match.test(relative(root, f)))
    .filter((f) => pattern !== '' || !/^\/\/ test:separate\b/m.test(readFileSync(f, 'utf8')));
  return found.sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
}

/**
 * Files that wait on real processes take longest; starting them first keeps both workers
 * busy to the end. A file marked `// test:slow` (measured at 25 s or more) goes before all.
 */
function weight(file: string): number {
  const source = readFileSync(file, 'utf8');
  return (/^\/\/ test:slow\b/m.test(source) ? 4 : 0) + (/replay|conformance/.test(file) ? 2 : 0) + (/runRelsim|spawn\(/.test(source) ? 1 : 0);
}

function isExclusive(file: string): boolean {
  return /^\/\/ test:exclusive\b/m.test(readFileSync(file, 'utf8'));
}

async function pool(queue: string[][], width: number): Promise<FileResult[]> {
  const out: FileResult[] = [];
  const next = [...queue];
  const worker = async (): Promise<void> => {
    for (let group = next.shift(); group !== undefined; group = next.shift()) out.push(await runFiles(group));
  };
  await Promise.all(Array.from({ length: Math.min(width, queue.length) }, worker));
  return out;
}

/** Test files in one uvu process; the output is held back and shown only if something fails. */
function runFiles(group: string[]): Promise<FileResult> {
  const t0 = Date.now();
  const file = group.length === 1 ? group[0] : `${group.length} files: ${group.map((f) => relative(dir, f)).join(' ')}`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/run-uvu.ts', ...group], {
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\ntest/run.ts: killed after ${FILE_TIMEOUT_MS / 1000} s without finishing\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      const counts = /(\d+) passed, (\d+) failed\s*$/.exec(output.replace(/\n?handles still open[^\n]*\n?$/, ''));
      const passed = Number(counts?.[1] ?? 0);
      const failed = Number(counts?.[2] ?? 0);
      const result = { file, passed, failed, ms: Date.now() - t0, ok: code === 0 && counts !== null && failed === 0 };
      const secs = (result.ms / 1000).toFixed(1).padStart(6);
      console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${secs} s  ${String(passed).padStart(3)} passed  ${file}`);
      if (!result.ok) console.log(indent(output));
      resolve(result);
    });
  });
}

function report(results: FileResult[], wallMs: number): void {
  const passed = results.reduce((s, r) => s + r.passed, 0);
  // A file that crashed or leaked counts at least one failure even if every test in it passed.
  const failed = results.reduce((s, r) => s + (r.ok ? 0 : Math.max(1, r.failed)), 0);
  const bad = results.filter((r) => !r.ok).map((r) => r.file);
  const testMs = results.reduce((s, r) => s + r.ms, 0);
  console.log(`\n${files.length} files in ${results.length} processes, ${jobs} at a time: ${(wallMs / 1000).toFixed(1)} s (${(testMs / 1000).toFixed(1)} s of test time)`);
  if (bad.length > 0) console.log(`failed files:\n${bad.map((f) => `  ${f}`).join('\n')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(bad.length > 0 ? 1 : 0);
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((l) => `    | ${l}`).join('\n');
}
