/**
 * JUnit XML for CI systems: one <testsuite> per scenario, one <testcase> per SLO or
 * baseline check named for people ('dropped requests', not 'maxDropped'), a <failure>
 * carrying the one-line message (and the cause behind it) when it failed, <skipped> with
 * the reason when the seeds could not decide it. The suite's time is the wall time its
 * runs took; a check has no time of its own, so each case carries an equal share.
 */
export interface JunitCase { name: string; pass: boolean; message: string; skipped?: boolean }
export interface JunitSuite { name: string; cases: JunitCase[]; timeSeconds?: number; classname?: string }

export function renderJunit(suites: JunitSuite[], name = 'relsim gate'): string {
  const total = suites.reduce((s, x) => s + x.cases.length, 0);
  const failures = suites.reduce((s, x) => s + x.cases.filter(failed).length, 0);
  const skipped = suites.reduce((s, x) => s + x.cases.filter((c) => c.skipped).length, 0);
  const time = suites.reduce((s, x) => s + (x.timeSeconds ?? 0), 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(name)}" tests="${total}" failures="${failures}" skipped="${skipped}" time="${time.toFixed(3)}">`];
  for (const suite of suites) {
    const seconds = suite.timeSeconds ?? 0;
    const each = suite.cases.length > 0 ? seconds / suite.cases.length : 0;
    out.push(`  <testsuite name="${xml(suite.name)}" tests="${suite.cases.length}" failures="${suite.cases.filter(failed).length}" ` +
      `errors="0" skipped="${suite.cases.filter((c) => c.skipped).length}" time="${seconds.toFixed(3)}">`);
    for (const c of suite.cases) {
      const open = `    <testcase classname="${xml(suite.classname ?? `relsim.${suite.name}`)}" name="${xml(c.name)}" time="${each.toFixed(3)}"`;
      if (c.skipped) out.push(`${open}>`, `      <skipped message="${xml(c.message)}"/>`, '    </testcase>');
      else if (c.pass) out.push(`${open}><system-out>${xml(c.message)}</system-out></testcase>`);
      else out.push(`${open}>`, `      <failure message="${xml(c.message)}" type="slo">${xml(c.message)}</failure>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function failed(c: JunitCase): boolean {
  return !c.pass && !c.skipped;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
