// `relsim run` through the real CLI: stdout JSON, user errors, determinism across processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { joinStdoutDashes } from '../../bin/cli.ts';
import { runRelsim, type Ran } from './relsim-process.ts';

const relsim = (...args: string[]): Promise<Ran> => runRelsim(args);

test('`--json -` puts the RunResult (and nothing else) on stdout', async () => {
  const r = await relsim('run', 'scenarios/examples/mmc.yaml', '--json', '-');
  assert.is(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.is(json.schema, 'relsim.run/1');
  assert.is(json.requests.offered, json.requests.ok + json.requests.dropped + json.requests.inFlightAtEnd);
});

test('the same scenario and seed give byte-identical JSON across processes; --seed changes it', async () => {
  const [a, b, c] = (await Promise.all([
    relsim('run', 'scenarios/examples/rolling-default.yaml', '--json=-'),
    relsim('run', 'scenarios/examples/rolling-default.yaml', '--json=-'),
    relsim('run', 'scenarios/examples/rolling-default.yaml', '--seed', '2', '--json=-'),
  ])).map((r) => r.stdout);
  assert.ok(a.length > 1000);
  assert.is(a, b);
  assert.is.not(a, c);
});

test('user mistakes: one line, exit 2, no stack trace', async () => {
  const mistakes = [['run', 'scenarios/examples/rolling-default.yaml', '--strategy', 'bluegreen'], ['run', 'nope.yaml'], ['run', 'scenarios/examples/mmc.yaml', '--seed', '-3']];
  const results = await Promise.all(mistakes.map((args) => relsim(...args)));
  for (const [i, args] of mistakes.entries()) {
    const r = results[i];
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.not.match(r.stderr, /^\s+at /m);
    assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
  }
});

test('joinStdoutDashes joins a lone dash after an output flag; any other lone dash is stdin', () => {
  assert.equal(joinStdoutDashes(['run', 'x.yaml', '--json', '-', '--md', 'out.md']), ['run', 'x.yaml', '--json=-', '--md', 'out.md']);
  // yargs would turn a lone '-' into an empty string; manifests piped in arrive as /dev/stdin
  assert.equal(joinStdoutDashes(['run', '-', '--model', 'm.yaml', '--json', '-']), ['run', '/dev/stdin', '--model', 'm.yaml', '--json=-']);
});

test.run();
