// `relsim run` through the real CLI: stdout JSON, user errors, determinism across processes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { joinStdoutDashes } from '../../bin/cli.ts';

const relsim = (...args: string[]) => spawnSync(process.execPath, ['bin/relsim.js', ...args], { encoding: 'utf8' });

test('`--json -` puts the RunResult (and nothing else) on stdout', () => {
  const r = relsim('run', 'scenarios/examples/mmc.yaml', '--json', '-');
  assert.is(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.is(json.schema, 'relsim.run/1');
  assert.is(json.requests.offered, json.requests.ok + json.requests.dropped + json.requests.inFlightAtEnd);
});

test('the same scenario and seed give byte-identical JSON across processes; --seed changes it', () => {
  const a = relsim('run', 'scenarios/examples/rolling-default.yaml', '--json=-').stdout;
  const b = relsim('run', 'scenarios/examples/rolling-default.yaml', '--json=-').stdout;
  const c = relsim('run', 'scenarios/examples/rolling-default.yaml', '--seed', '2', '--json=-').stdout;
  assert.ok(a.length > 1000);
  assert.is(a, b);
  assert.is.not(a, c);
});

test('user mistakes: one line, exit 2, no stack trace', () => {
  for (const args of [['run', 'scenarios/examples/rolling-default.yaml', '--strategy', 'bluegreen'], ['run', 'nope.yaml'], ['run', 'scenarios/examples/mmc.yaml', '--seed', '-3']]) {
    const r = relsim(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.not.match(r.stderr, /^\s+at /m);
    assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
  }
});

test('joinStdoutDashes joins only a lone dash after an output flag', () => {
  assert.equal(joinStdoutDashes(['run', 'x.yaml', '--json', '-', '--md', 'out.md']), ['run', 'x.yaml', '--json=-', '--md', 'out.md']);
  assert.equal(joinStdoutDashes(['run', '-', '--seed', '-']), ['run', '-', '--seed', '-']);
});

test.run();
