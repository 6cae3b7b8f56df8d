import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inShard, parseShard } from '../../../bin/sweep/shard-option.ts';
import { UserError } from '../../../scenarios/user-error.ts';

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, UserError);
    assert.is((e as UserError).exitCode, 2);
    return (e as Error).message;
  }
  assert.unreachable('expected a UserError');
  return '';
}

test('--shard I/N is 0-based; the index may come from JOB_COMPLETION_INDEX with --shards or RELSIM_SHARDS', () => {
  assert.equal(parseShard('0/4', undefined, {}).shard, { index: 0, count: 4 });
  assert.equal(parseShard('3/4', undefined, { JOB_COMPLETION_INDEX: '1' }).shard, { index: 3, count: 4 }, '--shard wins');
  assert.equal(parseShard(undefined, 4, { JOB_COMPLETION_INDEX: '2' }).shard, { index: 2, count: 4 });
  assert.equal(parseShard(undefined, undefined, { JOB_COMPLETION_INDEX: '2', RELSIM_SHARDS: '3' }).shard, { index: 2, count: 3 });
  assert.equal(parseShard(undefined, undefined, {}), { shard: null });
  const alone = parseShard(undefined, undefined, { JOB_COMPLETION_INDEX: '2' });
  assert.is(alone.shard, null);
  assert.match(alone.warning!, 'running the whole sweep');
});

test('bad shards: a clear line, exit 2', () => {
  assert.match(refusal(() => parseShard('4/4', undefined, {})), '--shard 4/4: shard indexes are 0-based, so with 4 shards the index is 0–3');
  assert.match(refusal(() => parseShard('1/0', undefined, {})), 'the shard count must be at least 1');
  assert.match(refusal(() => parseShard('2', undefined, {})), 'expected I/N');
  assert.match(refusal(() => parseShard(undefined, 4, {})), 'JOB_COMPLETION_INDEX (as a Kubernetes Indexed Job sets it), which is not set');
  assert.match(refusal(() => parseShard(undefined, 4, { JOB_COMPLETION_INDEX: 'x' })), 'JOB_COMPLETION_INDEX: expected a 0-based integer');
  assert.match(refusal(() => parseShard(undefined, undefined, { JOB_COMPLETION_INDEX: '4', RELSIM_SHARDS: '4' })), 'JOB_COMPLETION_INDEX=4 with RELSIM_SHARDS 4: shard indexes are 0-based');
});

test('shards split the runs round-robin: every run in exactly one shard', () => {
  const owners = Array.from({ length: 10 }, (_, k) => [0, 1, 2].filter((index) => inShard(k, { index, count: 3 })));
  assert.equal(owners, [[0], [1], [2], [0], [1], [2], [0], [1], [2], [0]]);
});

test.run();
