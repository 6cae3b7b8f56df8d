/** The load thread (load-thread.ts): says it is ready, runs the load generator from 'start' until 'stop'. */
import { parentPort, workerData } from 'node:worker_threads';
import { startLoad, type RunningLoad } from './load.ts';
import { PostingSink, type LoadMessage, type LoadThreadInput } from './load-thread.ts';

const input = workerData as LoadThreadInput;
const port = parentPort!;
const post = (m: LoadMessage): void => port.postMessage(m);
const sink = new PostingSink(post);
let load: RunningLoad | null = null;

port.on('message', (m: unknown) => {
  try {
    if (m !== null && typeof m === 'object' && 'start' in m) {
      sink.setOrigin((m as { start: number }).start);
      load = startLoad(input.opts, sink);
    } else if (m === 'stop') {
      void (load?.stop() ?? Promise.resolve()).then(() => {
        sink.flush();
        post({ stopped: true, lostOnServerClose: sink.lostOnServerClose, resentAfterClose: sink.resentAfterClose, outOfOrderResponses: sink.outOfOrderResponses });
      });
    }
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e) });
  }
});
post({ ready: true });
