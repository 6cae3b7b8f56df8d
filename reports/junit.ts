/**
 * JUnit XML for CI systems: one <testsuite> per scenario, one <testcase> per SLO or
 * baseline check, a <failure> carrying the one-line message when it failed.
 */
export interface JunitCase { name: string; pass: boolean; message: string }
export interface JunitSuite { name: string; cases: JunitCase[]; timeSeconds?: number }

export function renderJunit(suites: JunitSuite[], name = 'relsim gate'): string {
  const total = suites.reduce((s, x) => s + x.cases.length, 0);
  const failures = suites.reduce((s, x) => s + x.cases.filter((c) => !c.pass).length, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xml(name)}" tests="${total}" failures="${failures}">`];
  for (const suite of suites) {
    const f = suite.cases.filter((c) => !c.pass).length;
    out.push(`  <testsuite name="${xml(suite.name)}" tests="${suite.cases.length}" failures="${f}" errors="0" time="${(suite.timeSeconds ?? 0).toFixed(3)}">`);
    for (const c of suite.cases) {
      const open = `    <testcase classname="${xml(`relsim.${suite.name}`)}" name="${xml(c.name)}" time="0"`;
      if (c.pass) out.push(`${open}><system-out>${xml(c.message)}</system-out></testcase>`);
      else out.push(`${open}>`, `      <failure message="${xml(c.message)}" type="slo">${xml(c.message)}</failure>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
