/**
 * `relsim replay <scenario> --proxy nginx|haproxy [--speed K]`: the scenario's release
 * against real backends behind a real proxy under autocannon load (replay/), with
 * the same RunResult, Markdown and HTML outputs as `relsim run`. Exit 2 for bad input (the
 * scenario is checked before anything else), 3 when the proxy is not installed (with the
 * install command), 1 when the replay itself fails, always as one line.
 */
import type { CommandModule } from 'yargs';
import { UserError } from '../../scenarios/user-error.ts';
import { outputs } from '../output.ts';
import { writeRunDocuments } from '../run-reports.ts';
import { loadScenarioWithWarnings } from '../load-scenario.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { ProxyKind } from '../../replay/proxy.ts';
import { PROXIES, PROXY_KINDS } from '../../replay/proxies/index.ts';
import { ToolMissingError, requireBinary } from '../../replay/tools.ts';
import { preflightScenario, replayCaveats } from '../../replay/preflight.ts';
import type { RunResult } from '../../sim/result/run-result.ts';

export interface ReplayArgs { scenario: string; proxy: string; speed: number; json?: string; md?: string; html?: string; quiet?: boolean; 'registry-delay'?: boolean }

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <scenario>',
  describe: 'Replay the release against real processes and a real proxy (nginx or HAProxy) under autocannon load',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (.yaml, .yml, .json)' })
    .option('proxy', { type: 'string', choices: PROXY_KINDS, demandOption: true, describe: 'the real proxy in front of the backends' })
    .option('speed', { type: 'number', default: 1, describe: 'time-scale factor K: wall time = scenario time / K, offered rate × K' })
    .option('json', { type: 'string', describe: "write the RunResult (platform 'replay') to this file ('-' = stdout)" })
    .option('md', { type: 'string', describe: "write a Markdown report ('-' = stdout)" })
    .option('html', { type: 'string', describe: 'write the HTML report' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress lines on stderr' })
    .option('registry-delay', { type: 'boolean', default: false, describe: "also wait the scenario's registry delay before the proxy hears of an endpoint change (default: the proxy's own reload/API time is the propagation)" })
    .example('$0 replay scenarios/examples/nginx-two-instances.yaml --proxy nginx --speed 10', 'a 2 min scenario in 12 s of wall time')
    .example('$0 replay my.yaml --proxy haproxy --json replay.json --html replay.html', 'keep the result for relsim compare')
    .epilogue('Needs nginx or HAProxy installed (Debian/Ubuntu: sudo apt-get install -y nginx haproxy). ' +
      'Everything listens on 127.0.0.1 only; every process it starts is stopped on exit or Ctrl-C.') as never,
  handler: async (args) => {
    // Output paths first: a path that cannot be written is bad input (exit 2) like a bad
    // scenario, and must not cost a replay of minutes, nor wait on the proxy check (exit 3).
    const out = outputs({ json: args.json, md: args.md, html: args.html });
    const { scenario, proxy } = checkReplayInput(args);
    for (const w of replayCaveats(scenario, proxy)) process.stderr.write(`relsim: warning: ${w}\n`);
    const t0 = performance.now();
    const progress = args.quiet ? undefined : (m: string): void => { process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}\n`); };
    let result;
    try {
      // Loaded here: autocannon and the charts cost half a second that other commands need not pay.
      const { replay } = await import('../../replay/replay.ts');
      result = await replay(scenario, { proxy, speed: args.speed, onProgress: progress, registryDelay: args['registry-delay'] });
    } catch (e) {
      throw replayFailure(e);
    }
    out.say(replaySummary(result, proxy, args.speed));
    await writeRunDocuments(out, result, args);
  },
};

/**
 * The flags and the scenario, then the proxy binary, in that order: a bad scenario is bad
 * input (exit 2) whether or not the proxy is installed (exit 3). `findProxy` is
 * tools.ts's requireBinary; tests pass one that finds nothing.
 */
export function checkReplayInput(args: Pick<ReplayArgs, 'scenario' | 'proxy' | 'speed'>, findProxy: (name: string) => string = requireBinary): { scenario: Scenario; proxy: ProxyKind } {
  if (!(args.speed > 0)) throw new UserError(`--speed must be a number > 0, got ${args.speed}`, 2);
  const scenario = loadScenarioWithWarnings(args.scenario);
  const proxy = args.proxy as ProxyKind;
  // What this proxy cannot carry is bad input too, and is said before any caveat about
  // how a replay that will not happen would differ from the simulation.
  preflightScenario(scenario, proxy);
  try {
    findProxy(PROXIES[proxy].binary);
  } catch (e) {
    if (e instanceof ToolMissingError) throw new UserError(e.message, 3);
    throw e;
  }
  return { scenario, proxy };
}

/**
 * What a failure during the replay exits with: 3 for a tool found missing only then, the
 * error's own code for a user error, else 1. Always one line: a proxy's error-log tail
 * arrives as several lines, joined here with ' / '.
 */
export function replayFailure(e: unknown): UserError {
  if (e instanceof ToolMissingError) return new UserError(e.message, 3);
  if (e instanceof UserError) return new UserError(oneLine(e.message), e.exitCode);
  const message = e instanceof Error ? oneLine(e.message) || e.name : oneLine(String(e));
  return new UserError(`replay failed: ${message}`, 1);
}

function oneLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join(' / ');
}

function replaySummary(result: RunResult, proxy: ProxyKind, speed: number): string {
  const q = result.requests;
  const lines = [
    `${result.scenario} · ${result.strategy} · replayed through ${proxy} at speed ${speed}`,
    `offered ${q.offered}  ok ${q.ok}  dropped ${q.dropped}  in flight at end ${q.inFlightAtEnd}`,
  ];
  const causes = Object.entries(q.byCause).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ');
  if (causes) lines.push(`drops by cause: ${causes}`);
  lines.push(`latency ms p50 ${result.latencyMs.p50}  p99 ${result.latencyMs.p99}  · rollout ${result.rollout.outcome}`);
  for (const [lane, l] of Object.entries(result.lanes)) {
    lines.push(`lane ${lane}: ${l.requests} requests; ${Object.entries(l.paths).map(([p, n]) => `${p} ×${n}`).join(', ')}`);
  }
  if (!result.slo.pass) lines.push(`SLO: ${result.slo.violations.join('; ')}`);
  return lines.join('\n');
}
