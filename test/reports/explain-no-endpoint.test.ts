// The explanation gives different advice for the two no-endpoint mechanisms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { explain } from '../../reports/explain.ts';
import { buildRun } from './fixtures.ts';

const withDrops = (stale: number) => {
  const r = buildRun({ drops: [{ cause: 'no-endpoint', bucket: 12, count: 80 }] });
  r.meta = { ...r.meta, noEndpointStale: stale };
  return r;
};

test('mostly stale views: advise waiting for propagation before shifting weight', () => {
  const text = explain(withDrops(80));
  assert.match(text, /had not heard of yet \(80 of 80\)/);
  assert.match(text, /before shifting weight/);
  assert.not.match(text, /surge before removing/);
});

test('a real absence of instances: advise keeping capacity up', () => {
  const text = explain(withDrops(10));
  assert.match(text, /surge before removing/);
  assert.not.match(text, /had not heard of yet/);
});

test.run();
