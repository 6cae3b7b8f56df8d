/**
 * The service topology: entry → services laid out left to right by call depth, arrows for
 * calls, each service with its versions as chips (version colours as in the other charts;
 * lane versions outlined in their lane's colour), and below, the path each lane's traffic
 * actually took.
 */
import type { RunResult } from '../../sim/result/run-result.ts';
import { fmtCount, fmtPct } from '../format.ts';
import { type ChartOptions, clip, newChart, noData } from './frame.ts';
import { INK, laneColor, MUTED, versionColor } from './palette.ts';

const BOX_W = 168;
const CHIP_H = 20;
const COL_GAP = 90;
const ROW_GAP = 24;

interface Node { name: string; versions: string[]; calls: string[]; depth: number; row: number; x: number; y: number; h: number }

export function renderTopology(r: RunResult, opts: ChartOptions = {}): string {
  const width = opts.width ?? 1160;
  const topo = r.meta?.topology;
  const laneNames = Object.keys(r.lanes);
  const laneRows = laneNames.reduce((t, l) => t + Math.min(3, Object.keys(r.lanes[l].paths).length) + 1, 0);
  if (!topo || topo.services.length === 0) {
    return noData(newChart('topology', opts.title ?? 'Topology', width, 120), 'no topology recorded in this run');
  }

  // Depth by breadth-first search from the entry; unreachable services go last.
  const byName = new Map(topo.services.map((s) => [s.name, s]));
  const depth = new Map<string, number>([[topo.entry, 1]]);
  const queue = [topo.entry];
  while (queue.length) {
    const cur = queue.shift()!;
    for (const c of byName.get(cur)?.calls ?? []) if (!depth.has(c)) { depth.set(c, depth.get(cur)! + 1); queue.push(c); }
  }
  const maxDepth = Math.max(1, ...depth.values());
  const nodes: Node[] = topo.services.map((s) => ({ ...s, depth: depth.get(s.name) ?? maxDepth + 1, row: 0, x: 0, y: 0, h: 0 }));
  const columns = new Map<number, Node[]>();
  for (const n of nodes) { const col = columns.get(n.depth) ?? []; n.row = col.length; col.push(n); columns.set(n.depth, col); }
  const colW = BOX_W + COL_GAP;
  const boxH = (n: Node) => 30 + Math.max(1, n.versions.length) * (CHIP_H + 4);
  let graphH = 0;
  for (const col of columns.values()) {
    let y = 0;
    for (const n of col) { n.h = boxH(n); n.y = y; y += n.h + ROW_GAP; }
    graphH = Math.max(graphH, y - ROW_GAP);
  }
  for (const n of nodes) n.x = n.depth * colW;

  const title = opts.title ?? 'Topology: services, calls, versions';
  const top = title ? 40 : 24;
  const height = top + graphH + (laneRows ? 30 + laneRows * 18 : 0) + 16;
  const chart = newChart('topology', title, width, height, { top, right: 16, bottom: 16, left: 16 });
  const { svg, plot } = chart;
  const defs = svg.insert('defs', ':first-child');
  defs.append('marker').attr('id', 'arrow').attr('viewBox', '0 0 10 10').attr('refX', 10).attr('refY', 5)
    .attr('markerWidth', 8).attr('markerHeight', 8).attr('orient', 'auto-start-reverse')
    .append('path').attr('d', 'M0,0 L10,5 L0,10 z').attr('fill', MUTED);

  // Lane ownership of versions: a non-base version seen on a lane's paths belongs to that lane.
  const laneOf = new Map<string, number>();
  laneNames.forEach((lane, li) => {
    for (const path of Object.keys(r.lanes[lane].paths)) {
      for (const hop of path.split('>')) {
        const [svc, ver] = hop.split(':');
        const base = byName.get(svc)?.versions[0];
        if (ver && ver !== base && !laneOf.has(`${svc}:${ver}`)) laneOf.set(`${svc}:${ver}`, li);
      }
    }
  });

  // Entry node (the gateway / clients).
  const entryNode = byName.get(topo.entry) ? nodes.find((n) => n.name === topo.entry)! : undefined;
  const entryY = entryNode ? entryNode.y + entryNode.h / 2 : 20;
  plot.append('rect').attr('x', 0).attr('y', entryY - 20).attr('width', colW - COL_GAP).attr('height', 40).attr('rx', 20)
    .attr('fill', '#eef1f4').attr('stroke', '#9aa5b1');
  plot.append('text').attr('x', (colW - COL_GAP) / 2).attr('y', entryY + 4).attr('text-anchor', 'middle').attr('font-weight', 600).text('clients → gateway');
  if (entryNode) edge(plot, colW - COL_GAP, entryY, entryNode.x, entryY);

  for (const n of nodes) {
    for (const c of n.calls) {
      const to = nodes.find((m) => m.name === c);
      if (to) edge(plot, n.x + BOX_W, n.y + n.h / 2, to.x, to.y + to.h / 2);
    }
  }
  for (const n of nodes) {
    const g = plot.append('g').attr('class', 'service').attr('data-service', n.name).attr('transform', `translate(${n.x},${n.y})`);
    g.append('rect').attr('width', BOX_W).attr('height', n.h).attr('rx', 6).attr('fill', '#fff').attr('stroke', '#7b8794').attr('stroke-width', 1.2);
    g.append('text').attr('x', 10).attr('y', 19).attr('font-weight', 700).attr('font-size', 13).text(clip(n.name, 22));
    n.versions.forEach((v, i) => {
      const lane = laneOf.get(`${n.name}:${v}`);
      const chip = g.append('g').attr('class', 'version').attr('data-version', v).attr('transform', `translate(10,${28 + i * (CHIP_H + 4)})`);
      chip.append('rect').attr('width', BOX_W - 20).attr('height', CHIP_H).attr('rx', 10).attr('fill', versionColor(i)).attr('fill-opacity', 0.9)
        .attr('stroke', lane !== undefined ? laneColor(lane) : 'none').attr('stroke-width', 3);
      chip.append('text').attr('x', 10).attr('y', 14).attr('fill', '#fff').attr('font-weight', 600)
        .text(clip(`${v}${i === 0 ? ' (base)' : ''}${lane !== undefined ? ` · lane ${laneNames[lane]}` : ''}`, 24));
    });
  }

  // Lane paths as observed.
  let y = graphH + 30;
  laneNames.forEach((lane, li) => {
    const info = r.lanes[lane];
    plot.append('text').attr('x', 0).attr('y', y).attr('font-weight', 700).attr('fill', laneColor(li))
      .text(`lane ${lane}: ${fmtCount(info.requests)} requests`);
    y += 18;
    const paths = Object.entries(info.paths).sort((a, b) => b[1] - a[1]).slice(0, 3);
    for (const [path, count] of paths) {
      plot.append('text').attr('class', 'lane-path').attr('data-lane', lane).attr('x', 16).attr('y', y).attr('fill', INK)
        .text(`${path.split('>').join('  →  ')}    ${fmtCount(count)} (${fmtPct(info.requests ? count / info.requests : 0)})`);
      y += 18;
    }
  });
  return chart.done();
}

function edge(plot: ReturnType<typeof newChart>['plot'], x1: number, y1: number, x2: number, y2: number) {
  const mx = (x1 + x2) / 2;
  plot.append('path').attr('class', 'call').attr('d', `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}`)
    .attr('fill', 'none').attr('stroke', MUTED).attr('stroke-width', 1.5).attr('marker-end', 'url(#arrow)');
}
