/**
 * `relsim replay <scenario> --proxy nginx|haproxy [--speed K]`: the scenario's release
 * against real backends behind a real proxy under autocannon load (bench/replay/), with
 * the same RunResult, Markdown and HTML outputs as `relsim run`. Exit 3 when the proxy is
 * not installed (with the install command).
 */
import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { UserError } from '../user-error.ts';
import { loadScenario } from '../../scenarios/load.ts';
import { replay } from '../../bench/replay/replay.ts';
import { PROXY_KINDS, type ProxyKind } from '../../bench/replay/proxy.ts';
import { ToolMissingError, requireBinary } from '../../bench/replay/tools.ts';
import { renderRunHtml } from '../../reports/html.ts';
import { renderRunMarkdown } from '../../reports/markdown.ts';

interface ReplayArgs { scenario: string; proxy: string; speed: number; json?: string; md?: string; html?: string; quiet?: boolean; 'registry-delay'?: boolean }

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <scenario>',
  describe: 'Replay the release against real processes and a real proxy (nginx or HAProxy) under autocannon load',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (.yaml, .yml, .json)' })
    .option('proxy', { type: 'string', choices: PROXY_KINDS as unknown as string[], demandOption: true, describe: 'the real proxy in front of the backends' })
    .option('speed', { type: 'number', default: 1, describe: 'time-scale factor K: wall time = scenario time / K, offered rate × K' })
    .option('json', { type: 'string', describe: "write the RunResult (platform 'replay') to this file ('-' = stdout)" })
    .option('md', { type: 'string', describe: 'write a Markdown report' })
    .option('html', { type: 'string', describe: 'write the HTML report' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress lines on stderr' })
    .option('registry-delay', { type: 'boolean', default: false, describe: "also wait the scenario's registry delay before the proxy hears of an endpoint change (default: the proxy's own reload/API time is the propagation)" })
    .example('$0 replay scenarios/nginx-two-instances.yaml --proxy nginx --speed 10', 'a 2 min scenario in 12 s of wall time')
    .example('$0 replay my.yaml --proxy haproxy --json replay.json --html replay.html', 'keep the result for relsim compare')
    .epilogue('Needs nginx or HAProxy installed (Debian/Ubuntu: sudo apt-get install -y nginx haproxy). ' +
      'Everything listens on 127.0.0.1 only; every process it starts is stopped on exit or Ctrl-C.') as never,
  handler: async (args) => {
    if (!(args.speed > 0)) throw new UserError(`--speed must be a number > 0, got ${args.speed}`, 2);
    const proxy = args.proxy as ProxyKind;
    try {
      requireBinary(proxy);
    } catch (e) {
      if (e instanceof ToolMissingError) throw new UserError(e.message, 3);
      throw e;
    }
    const scenario = loadScenario(args.scenario);
    const t0 = performance.now();
    const progress = args.quiet ? undefined : (m: string): void => { process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}\n`); };
    let result;
    try {
      result = await replay(scenario, { proxy, speed: args.speed, onProgress: progress, registryDelay: args['registry-delay'] });
    } catch (e) {
      if (e instanceof ToolMissingError) throw new UserError(e.message, 3);
      throw new UserError(`replay failed: ${e instanceof Error ? e.message : String(e)}`, 1);
    }
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (args.json === '-') process.stdout.write(json);
    else {
      if (args.json) writeFileSync(args.json, json);
      const q = result.requests;
      console.log(`${scenario.name} · ${result.strategy} · replayed through ${proxy} at speed ${args.speed}`);
      console.log(`offered ${q.offered}  ok ${q.ok}  dropped ${q.dropped}  in flight at end ${q.inFlightAtEnd}`);
      const causes = Object.entries(q.byCause).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ');
      if (causes) console.log(`drops by cause: ${causes}`);
      console.log(`latency ms p50 ${result.latencyMs.p50}  p99 ${result.latencyMs.p99}  · rollout ${result.rollout.outcome}`);
      for (const [lane, l] of Object.entries(result.lanes)) {
        console.log(`lane ${lane}: ${l.requests} requests; ${Object.entries(l.paths).map(([p, n]) => `${p} ×${n}`).join(', ')}`);
      }
      if (!result.slo.pass) console.log(`SLO: ${result.slo.violations.join('; ')}`);
    }
    if (args.md) writeFileSync(args.md, renderRunMarkdown(result));
    if (args.html) writeFileSync(args.html, renderRunHtml(result));
  },
};
