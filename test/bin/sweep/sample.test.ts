import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseVary } from '../../../bin/sweep/grid.ts';
import { parseSample, samplePoints } from '../../../bin/sweep/sample.ts';
import { UserError } from '../../../scenarios/user-error.ts';

const axes = [parseVary('a=0..9'), parseVary('b=0..19')]; // 200 points
const rank = (at: number[]) => at[0] * 20 + at[1];

test('random:N: N distinct points in grid order, the same for the same seed', () => {
  const pts = samplePoints(axes, parseSample('random:30'), 1);
  const ranks = pts.map((p) => rank(p.at));
  assert.is(new Set(ranks).size, 30);
  assert.equal(ranks, [...ranks].sort((x, y) => x - y));
  assert.equal(samplePoints(axes, parseSample('random:30'), 1), pts);
  assert.not.equal(samplePoints(axes, parseSample('random:30'), 2), pts);
});

test('lhs:N: each field\'s strata used once (a field with N values: each value once)', () => {
  const pts = samplePoints([parseVary('a=0..9'), parseVary('b=0..99')], parseSample('lhs:10'), 7);
  assert.is(pts.length, 10);
  assert.equal(pts.map((p) => p.at[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // b has 100 values in 10 strata of 10: one point in each.
  assert.equal(pts.map((p) => Math.floor(p.at[1] / 10)).sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('bad samples: exit 2 with the reason', () => {
  for (const [text, why] of [['lhs', 'expected random:N or lhs:N'], ['sobol:5', 'expected random:N or lhs:N'], ['random:0', 'N must be 1–']]) {
    try {
      parseSample(text);
      assert.unreachable(text);
    } catch (e) {
      assert.instance(e, UserError);
      assert.match((e as Error).message, why);
    }
  }
  assert.throws(() => samplePoints(axes, parseSample('random:200'), 1), /the grid has only 200 points; drop --sample/);
});

test.run();
