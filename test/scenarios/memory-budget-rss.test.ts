/**
 * The memory budget holds: for each part of the estimate, the largest scenario that the
 * loader accepts under a 300 MB budget is run through the real CLI in a child process, and
 * that child's peak resident set stays under 300 MB. A too-optimistic coefficient in
 * scenarios/memory-budget.ts lets a larger scenario through, and this test fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../../scenarios/load.ts';

const BUDGET_MB = 300;
const head = `limits: {memory: ${BUDGET_MB}MB}\n`;

/** Each part of the estimate driven alone by one integer. */
const SHAPES: { part: string; lo: number; hi: number; text: (n: number) => string }[] = [
  { part: 'timeline (buckets over 2 h)', lo: 1, hi: 7_200_000,
    // Searched on the bucket count; the file states the bucket as a duration.
    text: (n) => `${head}duration: 2h\nbucket: ${Math.ceil(7_200_000 / n)}ms\ntraffic: {rate: 0.02}\nservices:\n  a: {serviceTime: 1ms, versions: [v1, v2]}\nrelease: {services: [a], to: v2, startAt: 1h, strategy: rolling}\n` },
  { part: 'instances (replicas)', lo: 1, hi: 1_000_000,
    text: (n) => `${head}duration: 10s\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms, replicas: ${n}}\n` },
  { part: 'endpoint lists (replicas of caller and callee)', lo: 1, hi: 100_000,
    text: (n) => `${head}duration: 10s\ntraffic: {rate: 1}\nservices:\n  a: {serviceTime: 1ms, replicas: ${n}, calls: [b]}\n  b: {serviceTime: 1ms, replicas: ${n}}\n` },
  { part: 'trace arrivals', lo: 40_000, hi: 65_000,
    text: (n) => `${head}duration: 1h\ntraffic: {arrival: trace, trace: [${Array.from({ length: n }, (_, i) => `${i * 10}ms`).join(', ')}]}\nservices:\n  a: {serviceTime: 1ms}\n` },
];

function accepted(text: string): boolean {
  try { parseScenario(text, 'x.yaml'); return true; } catch { return false; }
}

/** The largest n in [lo, hi] whose scenario loads (acceptance falls as n grows). */
function largestAccepted(lo: number, hi: number, text: (n: number) => string): number {
  assert.ok(accepted(text(lo)), 'the smallest case must load');
  assert.not.ok(accepted(text(hi)), 'the largest case must be refused');
  // 2% is close enough to "largest": the estimate is not that sharp either.
  while (hi - lo > Math.max(1, lo / 50)) {
    const mid = Math.floor((lo + hi) / 2);
    if (accepted(text(mid))) lo = mid; else hi = mid;
  }
  return lo;
}

const dir = mkdtempSync(join(tmpdir(), 'relsim-rss-'));

interface Measured { n: number; status: number | null; stderr: string }

/** Runs the CLI in a child that reports its own peak RSS (the parent's memory is not counted). */
function rssChild(file: string, out: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'test/scenarios/helpers/rss-child.ts', 'run', file, '--json', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stderr }));
  });
}

// Each shape's search runs here, its largest scenario in a child process of its own; the
// children are separate processes, each measuring only itself, so they need not wait for
// one another: shape k's child runs while the later shapes are searched (the trace search
// parses tens of thousands of YAML items five times). Test k reports shape k's result.
const measured = new Map<number, Promise<Measured>>();

function measure(k: number): Promise<Measured> {
  let m = measured.get(k);
  if (!m) {
    m = (async () => {
      const shape = SHAPES[k];
      const n = largestAccepted(shape.lo, shape.hi, shape.text);
      const file = join(dir, `largest-${k}.yaml`);
      writeFileSync(file, shape.text(n));
      return { n, ...await rssChild(file, join(dir, `out-${k}.json`)) };
    })();
    m.catch(() => undefined); // a failure is test k's to report, when it awaits this
    measured.set(k, m);
  }
  return m;
}

SHAPES.forEach((shape, k) => {
  test(`${shape.part}: the largest accepted scenario peaks under the ${BUDGET_MB} MB budget`, async () => {
    const mine = measure(k);
    for (let j = k + 1; j < SHAPES.length; j++) measure(j);
    const { n, status, stderr } = await mine;
    const kb = Number(/relsim-peak-rss-kb (\d+)/.exec(stderr)?.[1]);
    assert.is(status, 0, stderr.slice(0, 500));
    assert.ok(kb > 0, stderr.slice(0, 500));
    const mb = kb / 1024;
    assert.ok(mb < BUDGET_MB, `n = ${n}: peak ${mb.toFixed(0)} MB`);
    console.log(`  ${shape.part}: n = ${n}, peak ${mb.toFixed(0)} MB of ${BUDGET_MB} MB`);
  });
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
