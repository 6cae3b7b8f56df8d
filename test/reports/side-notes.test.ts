// Every report of a run says what it did besides users' requests: mirrored copies (not
// drops), crashes, incompatible calls — and says nothing when none happened.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadScenario, withStrategy } from '../../scenarios/load.ts';
import { simulate } from '../../sim/simulate.ts';
import { summarizeRun } from '../../reports/summary.ts';
import { renderRunMarkdown } from '../../reports/markdown.ts';
import { renderRunHtml } from '../../reports/html.ts';

test('crashes and incompatible calls appear in the text, Markdown and HTML reports', () => {
  const crash = simulate(withStrategy(loadScenario('scenarios/examples/crash-loop.yaml'), 'rolling'));
  const n = crash.meta!.crashes!.restarts;
  for (const text of [summarizeRun(crash), renderRunMarkdown(crash), renderRunHtml(crash)]) {
    assert.match(text, new RegExp(`${n} process crashes restarted by the kubelet`));
  }
  const order = loadScenario('scenarios/examples/two-tier-order.yaml');
  const wrong = simulate({ ...order, release: { ...order.release!, services: ['web', 'api'] } });
  assert.match(summarizeRun(wrong), /also {6}[\d,]+ calls to a version the caller does not work with/);
});

test('a run with none of them has no such line', () => {
  const plain = simulate(loadScenario('scenarios/examples/rolling-tuned.yaml'));
  assert.not.match(summarizeRun(plain), /^also/m);
  assert.not.match(renderRunHtml(plain), /class="also"/);
});

test.run();
