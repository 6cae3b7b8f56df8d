// `relsim replay` judges its input before it looks for a proxy, and says a run-time failure
// in one line. None of this starts a proxy: the proxy lookup is replaced where it matters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReplayInput, replayFailure } from '../../bin/commands/replay.ts';
import { UserError } from '../../scenarios/user-error.ts';
import { ToolMissingError } from '../../replay/tools.ts';

const relsimJs = fileURLToPath(new URL('../../bin/relsim.js', import.meta.url));
const goodScenario = fileURLToPath(new URL('../../scenarios/examples/mmc.yaml', import.meta.url));

const BAD_SCENARIO = `name: bad
duration: 10s
services:
  api:
    replicas: -2
    serviceTime: 10ms
entry: api
traffic: {rate: 10}
`;

/** A proxy lookup on a machine without the proxy, whatever this machine has installed. */
const noProxyInstalled = (name: string): string => { throw new ToolMissingError(name); };

function withBadScenario(body: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'relsim-replay-input-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, BAD_SCENARIO);
    body(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function thrown(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    assert.instance(e, UserError);
    return e as UserError;
  }
  assert.unreachable('expected a UserError, nothing was thrown');
  throw new Error('unreachable');
}

test('a bad scenario exits 2 naming the field even where the proxy is missing (not 3)', () => {
  withBadScenario((file) => {
    const e = thrown(() => checkReplayInput({ scenario: file, proxy: 'nginx', speed: 1 }, noProxyInstalled));
    assert.is(e.exitCode, 2, e.message);
    assert.match(e.message, /services\.api\.replicas/);
  });
});

test('a good scenario with the proxy missing exits 3 with the install command', () => {
  const e = thrown(() => checkReplayInput({ scenario: goodScenario, proxy: 'haproxy', speed: 1 }, noProxyInstalled));
  assert.is(e.exitCode, 3);
  assert.match(e.message, /apt-get install -y haproxy/);
});

test('through the CLI: replay of a bad scenario exits 2 with one line naming the field', () => {
  withBadScenario((file) => {
    const r = spawnSync(process.execPath, [relsimJs, 'replay', file, '--proxy', 'nginx'], { encoding: 'utf8' });
    assert.is(r.status, 2, r.stderr);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /bad\.yaml: services\.api\.replicas: /);
  });
});

test('a failure during the replay exits 1 as one line, without a stack', () => {
  const e = replayFailure(new Error('nginx exited: 2024/01/01 [emerg] bind() failed\n  2024/01/01 [emerg] still could not bind()\n'));
  assert.is(e.exitCode, 1);
  assert.is(e.message, 'replay failed: nginx exited: 2024/01/01 [emerg] bind() failed / 2024/01/01 [emerg] still could not bind()');
  assert.is(replayFailure('boom').message, 'replay failed: boom');
  // An error without a message still says what it was.
  assert.is(replayFailure(new TypeError('')).message, 'replay failed: TypeError');
  // A tool found missing only at run time keeps its documented exit code.
  assert.is(replayFailure(new ToolMissingError('autocannon')).exitCode, 3);
});

test.run();
