/**
 * `npm run fuzz -- [--count N] [--seed S] [--no-run]`: N mutants (default 10,000) through
 * the scenario loader and a bounded run, with a count per outcome and the first failures
 * in full. Exit 1 when any promise broke. The suite runs 250 of them (fuzz.test.ts), enough to draw every mutation kind.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMutants } from './mutate.ts';
import { checkMutant, type Outcome } from './check.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const count = flag('count', 10_000);
const seed = flag('seed', 1);
const run = !args.includes('--no-run');

const counts: Record<Outcome, number> = { valid: 0, refused: 0, capped: 0, crash: 0, multiline: 0, conservation: 0, slow: 0, 'stray-warning': 0 };
const failures: { name: string; detail: string; text: string }[] = [];
const slowest: { ms: number; name: string; outcome: string }[] = [];
const t0 = performance.now();
const mutants = makeMutants(seed, count);
mutants.forEach((m, i) => {
  const v = checkMutant(m, { run });
  counts[v.outcome]++;
  slowest.push({ ms: v.ms, name: m.name, outcome: v.outcome });
  if (!['valid', 'refused', 'capped'].includes(v.outcome)) failures.push({ name: m.name, detail: `${v.outcome}: ${v.detail}`, text: m.text });
  if ((i + 1) % 1000 === 0) process.stderr.write(`fuzz: ${i + 1}/${count}\n`);
});

console.log(`fuzz: ${count} mutants (seed ${seed}${run ? ', bounded runs' : ', load only'}) in ${Math.round((performance.now() - t0) / 1000)} s`);
slowest.sort((a, b) => b.ms - a.ms);
for (const s of slowest.slice(0, 5)) console.log(`  slow: ${Math.round(s.ms)} ms ${s.outcome} ${s.name.slice(0, 120)}`);
for (const [k, v] of Object.entries(counts)) console.log(`  ${k.padEnd(13)} ${v}`);
if (failures.length > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-fuzz-'));
  failures.forEach((f, i) => writeFileSync(join(dir, `failure-${i}.yaml`), f.text));
  for (const f of failures.slice(0, 10)) console.log(`\n${f.name}\n  ${f.detail.split('\n').slice(0, 6).join('\n  ')}`);
  console.log(`\n${failures.length} failures; their files are in ${dir}`);
  process.exitCode = 1;
}
