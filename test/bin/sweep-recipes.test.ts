/**
 * The scale-out recipes in docs/recipes/, run as written on this machine: the Kubernetes
 * Indexed Job's shard command once per index with JOB_COMPLETION_INDEX set, then its merge
 * Job's command; the GitHub Actions matrix's shard step once per matrix value, then the
 * merge job's step. Only the places the recipe leaves to the user are substituted (the
 * scenario, the results volume, how relsim is invoked, and --seeds: 2 keep the test short). Both must give the bytes of the
 * unsharded sweep. Plus the command line's refusals (exit 2, one line, no stack trace).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { RELSIM_JS, runRelsim, type Ran } from './relsim-process.ts';

const FIXTURE = resolve('test/bin/sweep/fixtures/prestop.yaml');
const RELSIM = `${JSON.stringify(process.execPath)} ${JSON.stringify(RELSIM_JS)}`;

function sh(command: string, cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((done, fail) => {
    const c = spawn('sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    c.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    c.on('error', fail);
    c.on('close', (status) => done({ status, stdout, stderr }));
  });
}

async function ok(run: Promise<Ran>, what: string): Promise<Ran> {
  const r = await run;
  assert.is(r.status, 0, `${what}: exit ${r.status}\n${r.stderr}`);
  return r;
}

/**
 * The sweep a recipe runs, unsharded on one process: the reference bytes. Both recipes run
 * the same sweep, so it runs once.
 */
const references = new Map<string, Promise<{ json: string; md: string }>>();
function single(vary: string): Promise<{ json: string; md: string }> {
  let ref = references.get(vary);
  if (!ref) {
    const dir = mkdtempSync(join(tmpdir(), 'relsim-single-'));
    const cmd = `${RELSIM} sweep ${FIXTURE} ${vary} --workers 1 --json single.json --md single.md`;
    ref = ok(sh(cmd, dir), 'unsharded sweep').then(() => ({ json: readFileSync(join(dir, 'single.json'), 'utf8'), md: readFileSync(join(dir, 'single.md'), 'utf8') }));
    references.set(vary, ref);
  }
  return ref;
}

/** The user's parts of a recipe's command, for this machine. */
const SEEDS = (cmd: string) => cmd.replace(/--seeds \d+/, '--seeds 2');

const sweepArgs = (command: string) => /sweep \S+ (.*?) --(?:workers|shard|json)/.exec(command)![1];

test('Kubernetes Indexed Job recipe: N indexed shards, then the merge Job = the unsharded sweep, byte for byte', async () => {
  const job = YAML.parse(readFileSync('docs/recipes/sweep-indexed-job.yaml', 'utf8'));
  const merge = YAML.parse(readFileSync('docs/recipes/sweep-merge-job.yaml', 'utf8'));
  assert.is(job.spec.completionMode, 'Indexed');
  const n: number = job.spec.completions;
  assert.is(job.spec.parallelism, n);
  const container = job.spec.template.spec.containers[0];
  const shards = String(container.env.find((e: { name: string }) => e.name === 'RELSIM_SHARDS').value);
  assert.is(Number(shards), n, 'RELSIM_SHARDS = completions');
  const dir = mkdtempSync(join(tmpdir(), 'relsim-k8s-'));
  const local = (cmd: string) => SEEDS(cmd.replace(/^relsim /, `${RELSIM} `).replace('/config/scenario.yaml', FIXTURE).replaceAll('/results', dir));
  const shardCommand = local(container.args[0]);
  const reference = single(sweepArgs(shardCommand));
  await Promise.all(Array.from({ length: n }, (_, i) => ok(sh(shardCommand, dir, { JOB_COMPLETION_INDEX: String(i), RELSIM_SHARDS: shards }), `shard ${i}`)));
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('shard-')).sort(), Array.from({ length: n }, (_, i) => `shard-${i}.json`));
  await ok(sh(local(merge.spec.template.spec.containers[0].args[0]), dir), 'merge job');
  const want = await reference;
  assert.is(readFileSync(join(dir, 'sweep.json'), 'utf8'), want.json);
  assert.is(readFileSync(join(dir, 'sweep.md'), 'utf8'), want.md);
});

test('GitHub Actions recipe: the matrix shards, then the merge job = the unsharded sweep, byte for byte', async () => {
  const wf = YAML.parse(readFileSync('docs/recipes/sweep-github-actions.yml', 'utf8'));
  const matrix: number[] = wf.jobs.shard.strategy.matrix.shard;
  const step = (job: string, word: string) => (wf.jobs[job].steps as { run?: string }[]).find((s) => s.run?.includes(`relsim ${word}`))!.run!;
  const dir = mkdtempSync(join(tmpdir(), 'relsim-gha-'));
  const local = (cmd: string) => SEEDS(cmd.replace(/^npx relsim /, `${RELSIM} `).replace('scenarios/my-service.yaml', FIXTURE));
  const shardStep = step('shard', 'sweep');
  assert.match(shardStep, `/${matrix.length} `, 'the shard count is the matrix size');
  const reference = single(sweepArgs(local(shardStep)));
  await Promise.all(matrix.map((i) => ok(sh(local(shardStep).replaceAll('${{ matrix.shard }}', String(i)), dir), `matrix shard ${i}`)));
  // download-artifact with merge-multiple: every shard file in shards/
  mkdirSync(join(dir, 'shards'));
  for (const f of readdirSync(dir).filter((name) => name.startsWith('shard-'))) renameSync(join(dir, f), join(dir, 'shards', f));
  await ok(sh(local(step('merge', 'merge')), dir), 'merge job');
  const want = await reference;
  assert.is(readFileSync(join(dir, 'sweep.json'), 'utf8'), want.json);
  assert.is(readFileSync(join(dir, 'sweep.md'), 'utf8'), want.md);
});

// The checks themselves are unit-tested (test/bin/sweep/); here, that the command line turns them into exit 2.
test('refusals: exit 2, one line naming the problem, no stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-sweep-cli-'));
  const cases: [string[], Record<string, string>, string][] = [
    [['sweep', FIXTURE, '--vary', 'services.apj.preStop=1s'], {}, 'services has no field "apj" in the scenario file (did you mean `api`?)'],
    [['merge', join(dir, 'none.json')], {}, `${join(dir, 'none.json')}: no such file`],
  ];
  const runs = await Promise.all(cases.map(([args, env]) => runRelsim(args, { env: { ...process.env, ...env } })));
  runs.forEach((r, i) => {
    assert.is(r.status, 2, `${cases[i][0].join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, cases[i][2]);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  });
});

test.run();
