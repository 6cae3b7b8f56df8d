/** A compare worker thread: runs one simulation per message and posts the RunResult back. */
import { parentPort } from 'node:worker_threads';
import { runJob, type CompareJob, type WorkerReply } from './compare-strategies.ts';

parentPort!.on('message', (m: { index: number; job: CompareJob }) => {
  let reply: WorkerReply;
  try {
    reply = { index: m.index, result: runJob(m.job) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = { index: m.index, error: err.message, name: err.name };
  }
  parentPort!.postMessage(reply);
});
