import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandGrid, parseVary } from '../../../bin/sweep/grid.ts';
import { checkPath, setPath } from '../../../bin/sweep/set-path.ts';
import { UserError } from '../../../scenarios/user-error.ts';

const values = (spec: string) => parseVary(spec).values;

/** The UserError's message (exit 2), or a failure when the call does not throw one. */
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

test('duration ranges: both ends, the step, the start as written and the rest in shortest form', () => {
  const a = parseVary('services.api.preStop=0s..10s/2s');
  assert.is(a.path, 'services.api.preStop');
  assert.equal(a.values, ['0s', '2s', '4s', '6s', '8s', '10s']);
  assert.equal(a.labels, a.values);
  assert.equal(values('x=500ms..1500ms/500ms'), ['500ms', '1s', '1500ms']);
  assert.equal(values('x=1s..2s/400ms'), ['1s', '1400ms', '1800ms'], 'an end off the step is left out');
});

test('number and percent ranges, lists of numbers, percents, words and booleans', () => {
  assert.equal(values('x=1..3'), [1, 2, 3]);
  assert.equal(values('x=0.1..0.5/0.1'), [0.1, 0.2, 0.3, 0.4, 0.5], 'no 0.30000000000000004');
  assert.equal(values('x=10%..30%/10%'), ['10%', '20%', '30%']);
  assert.equal(values('release.strategy.maxSurge=1,2,25%'), [1, 2, '25%']);
  assert.equal(values('x=1s, 5s ,30s'), ['1s', '5s', '30s']);
  assert.equal(values('x=rolling,canary,true'), ['rolling', 'canary', true]);
});

test('bad specs: each a one-line error naming the path and the bad part', () => {
  assert.match(refusal(() => parseVary('services.api.preStop')), 'expected PATH=VALUES');
  assert.match(refusal(() => parseVary('x=')), 'x: no values');
  assert.match(refusal(() => parseVary('x=0s..5/1s')), 'the end "5" is not a duration');
  assert.match(refusal(() => parseVary('x=5s..1s/1s')), 'the end is before the start');
  assert.match(refusal(() => parseVary('x=0s..1s/0s')), 'step must be greater than 0');
  assert.match(refusal(() => parseVary('x=0s..5s')), 'needs a step');
  assert.match(refusal(() => parseVary('x=1,,2')), 'an empty value');
  assert.match(refusal(() => parseVary('x=1,2,1')), 'the value 1 is listed twice');
  assert.match(refusal(() => parseVary('x=0s..1h/1ms')), 'more than 100000');
});

test('the grid is row-major: the first --vary outermost', () => {
  const grid = expandGrid([parseVary('a=1,2'), parseVary('b=x,y,z')]);
  assert.equal(grid.map((p) => p.at.join('')), ['00', '01', '02', '10', '11', '12']);
});

test('paths: fields and list indexes of the document; unknown parts with a did-you-mean', () => {
  const doc = { services: { api: { preStop: '0s' } }, release: { strategy: { steps: [{ setWeight: 10 }] } } };
  setPath(doc, 'services.api.preStop', '3s');
  setPath(doc, 'release.strategy.steps.0.setWeight', 20);
  setPath(doc, 'services.api.terminationGracePeriodSeconds', 5); // a new last part: the loader judges it
  assert.equal(doc, { services: { api: { preStop: '3s', terminationGracePeriodSeconds: 5 } }, release: { strategy: { steps: [{ setWeight: 20 }] } } });
  assert.match(refusal(() => checkPath(doc, 'services.apj.preStop')), 'services has no field "apj" in the scenario file (did you mean `api`?)');
  assert.match(refusal(() => checkPath(doc, 'release.strategy.steps.3.setWeight')), 'release.strategy.steps is a list of 1; expected an index 0–0, got "3"');
  assert.match(refusal(() => checkPath(doc, 'services.api.preStop.x')), 'services.api.preStop is "3s", not a map or list');
});

test.run();
