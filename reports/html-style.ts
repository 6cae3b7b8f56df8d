/** The report's stylesheet, inlined: readable at 1280 px, and on paper (print rules). */
export const REPORT_CSS = `
:root { --ink:#1f2933; --muted:#66727f; --line:#d9dee3; --bg:#f7f9fb; --ok:#2E9E6A; --bad:#C2410C; --accent:#0072B2; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif; }
main { max-width:1220px; margin:0 auto; padding:28px 30px 48px; }
header.top { display:flex; flex-wrap:wrap; align-items:baseline; gap:12px 20px; border-bottom:2px solid var(--ink); padding-bottom:12px; margin-bottom:20px; }
header.top h1 { font-size:26px; margin:0; letter-spacing:-0.01em; }
header.top .sub { color:var(--muted); font-size:15px; }
.badge { display:inline-block; padding:2px 10px; border-radius:12px; font-size:13px; font-weight:700; letter-spacing:.02em; border:1.5px solid currentColor; }
.badge.pass { color:var(--ok); } .badge.fail { color:var(--bad); } .badge.neutral { color:var(--muted); }
.kpis { display:grid; grid-template-columns:repeat(6,1fr); gap:12px; margin:0 0 18px; }
.kpi { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
.kpi .v { font-size:24px; font-weight:700; font-variant-numeric:tabular-nums; }
.kpi .k { color:var(--muted); font-size:12.5px; text-transform:uppercase; letter-spacing:.05em; }
.kpi.bad .v { color:var(--bad); }
.why { background:#fff7ed; border-left:5px solid #E69F00; padding:12px 16px; border-radius:4px; margin:0 0 22px; font-size:16px; }
.why b { display:block; font-size:12.5px; text-transform:uppercase; letter-spacing:.06em; color:#9a5b00; margin-bottom:2px; }
.also { background:#f1f5f9; border-left:5px solid #56B4E9; padding:8px 16px; border-radius:4px; margin:-10px 0 22px; font-size:14.5px; }
.also b { display:block; font-size:12.5px; text-transform:uppercase; letter-spacing:.06em; color:#285e7a; margin-bottom:2px; }
.also ul { margin:0; padding-left:18px; }
.why code, td code { background:#fde7c8; padding:0 4px; border-radius:3px; font-size:.95em; }
.slo { background:#fff; border:1px solid var(--line); border-left:5px solid var(--bad); padding:10px 16px; margin:0 0 22px; border-radius:4px; }
.slo.pass { border-left-color:var(--ok); }
.slo ul { margin:4px 0 0; padding-left:20px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 18px 10px; margin:0 0 18px; break-inside:avoid; }
section h2 { font-size:18px; margin:0 0 2px; }
section p.note { color:var(--muted); margin:0 0 8px; font-size:14px; }
figure { margin:0; }
figure svg { display:block; width:100%; height:auto; }
.grid { display:grid; grid-template-columns:1fr 1fr; gap:14px 18px; }
.grid figure figcaption { font-weight:700; font-size:15px; margin:4px 0 2px; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; font-size:14px; }
th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
table.compare { font-size:13px; }
table.compare th, table.compare td { padding:6px 6px; }
table.compare th { white-space:normal; }
table.compare td[data-frequency] { white-space:normal; min-width:7em; }
.table-scroll { overflow-x:auto; }
th { font-size:12.5px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); border-bottom:2px solid var(--ink); }
th:first-child, td:first-child { text-align:left; }
td.best { background:#e3f4ea; font-weight:700; }
td.best::after { content:" ★"; color:var(--ok); }
td.zero { color:#a0aab4; }
td.slo-verdict { text-align:left; white-space:normal; min-width:7em; font-weight:600; }
td.slo-verdict small { font-weight:400; color:var(--muted); }
td.slo-verdict.pass { color:var(--ok); } td.slo-verdict.fail { color:var(--bad); } td.slo-verdict.inconclusive { color:#9a6b00; }
tr.pick td { background:#eef8f1; }
p.pick { font-weight:600; margin:4px 0 8px; }
.swatch { display:inline-block; width:11px; height:11px; border-radius:2px; margin-right:6px; vertical-align:-1px; }
.tables { display:grid; grid-template-columns:1fr 2fr; gap:18px; }
ul.explain { margin:6px 0 0; padding-left:20px; } ul.explain li { margin:4px 0; }
footer { color:var(--muted); font-size:12.5px; margin-top:24px; }
@media (max-width: 900px) { .kpis { grid-template-columns:repeat(3,1fr); } .grid, .tables { grid-template-columns:1fr; } }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { background:#fff; font-size:11pt; }
  main { max-width:none; padding:0; }
  section, .kpi { border-color:#bbb; box-shadow:none; }
  section, figure, .kpis, .why, table { break-inside:avoid; page-break-inside:avoid; }
  .why { background:#fff; border-left-color:#000; }
  td.best { background:none; text-decoration:underline; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
