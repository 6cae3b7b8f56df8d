/**
 * The documents a single run writes (`run` and `replay` alike): the RunResult JSON, and the
 * Markdown and HTML reports, whose renderers load only when asked for (the charts cost
 * half a second to load).
 */
import type { RunResult } from '../sim/result/run-result.ts';
import type { Outputs } from './output.ts';

export async function writeRunDocuments(out: Outputs, result: RunResult, args: { md?: string; html?: string }): Promise<void> {
  out.write('json', `${JSON.stringify(result, null, 2)}\n`);
  if (args.md !== undefined) {
    const { renderRunMarkdown } = await import('../reports/markdown.ts');
    out.write('md', renderRunMarkdown(result));
  }
  if (args.html !== undefined) {
    const { renderRunHtml } = await import('../reports/html.ts');
    out.write('html', renderRunHtml(result));
  }
}
