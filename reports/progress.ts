/**
 * Progress for long runs: a cli-progress bar when stderr is a terminal, otherwise a quiet
 * line every ~10% so CI logs stay short. Always on stderr so stdout stays parseable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(n?: number): void;
  done(): void;
}

export function progress(total: number, label: string): Progress {
  if (process.stderr.isTTY) return barProgress(total, label);
  return lineProgress(total, label, (s) => process.stderr.write(s + '\n'));
}

function barProgress(total: number, label: string): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let finished = false;
  return {
    tick: (n = 1) => bar.increment(n),
    done: () => { if (!finished) { finished = true; bar.stop(); } },
  };
}

/** Exported for tests: writes "label: k/total" when crossing each 10% step, and once at done. */
export function lineProgress(total: number, label: string, write: (line: string) => void): Progress {
  let value = 0;
  let lastDecile = 0;
  let finished = false;
  return {
    tick(n = 1) {
      value = Math.min(total, value + n);
      const decile = total > 0 ? Math.floor((value / total) * 10) : 10;
      if (decile > lastDecile && value < total) {
        lastDecile = decile;
        write(`${label}: ${value}/${total}`);
      }
    },
    done() {
      if (finished) return;
      finished = true;
      write(`${label}: ${value}/${total} done`);
    },
  };
}
