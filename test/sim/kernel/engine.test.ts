import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine, sleep, until, waitSignal, EventCapError } from '../../../sim/kernel/engine.ts';
import { EventHeap } from '../../../sim/kernel/event-heap.ts';

test('heap pops in (time, seq) order, ties in insertion order', () => {
  const h = new EventHeap(2);
  const times = [5, 1, 3, 1, 5, 0, 3, 1];
  times.forEach((t, i) => h.push(t, i, 0, i, 0));
  const order: number[] = [];
  while (h.size > 0) { h.pop(); order.push(h.topA); }
  assert.equal(order, [5, 1, 3, 7, 2, 6, 0, 4]);
});

test('handlers get integer payloads at the right virtual time', () => {
  const env = new Engine();
  const seen: string[] = [];
  const K = env.register((a, b) => seen.push(`${env.now}:${a}:${b}`));
  env.schedule(10, K, 1, 2);
  env.schedule(2.5, K, 3, 4);
  env.run();
  assert.equal(seen, ['2.5:3:4', '10:1:2']);
});

test('cancel skips an event; run(until) stops and sets the clock', () => {
  const env = new Engine();
  const seen: number[] = [];
  const K = env.register((a) => seen.push(a));
  const h = env.schedule(1, K, 1);
  env.schedule(2, K, 2);
  env.schedule(50, K, 3);
  env.cancel(h);
  env.run({ until: 10 });
  assert.equal(seen, [2]);
  assert.is(env.now, 10);
  env.run();
  assert.equal(seen, [2, 3]);
});

test('event cap throws a clear error', () => {
  const env = new Engine({ maxEvents: 100 });
  const K = env.register(() => env.schedule(1, K));
  env.schedule(0, K);
  assert.throws(() => env.run(), (e: unknown) => e instanceof EventCapError && /event cap of 100/.test((e as Error).message));
});

test('processes: sleep, until (re-checked on notify), signals', () => {
  const env = new Engine();
  const log: string[] = [];
  let flag = false;
  env.process((function* () {
    yield sleep(5);
    log.push(`slept ${env.now}`);
    yield until(() => flag);
    log.push(`flag ${env.now}`);
    const v = yield waitSignal('go');
    log.push(`signal ${v} ${env.now}`);
  })());
  const K = env.register(() => { flag = true; env.notify(); });
  const S = env.register(() => env.signal('go', 'x'));
  env.schedule(20, K);
  env.schedule(30, S);
  env.run();
  assert.equal(log, ['slept 5', 'flag 20', 'signal x 30']);
});

test.run();
