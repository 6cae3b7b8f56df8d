/**
 * relsim's watchdog: the backstop for a relsim that dies without cleaning up (SIGKILL, the
 * OOM killer, a crash). cleanup.ts stops every child gracefully on any exit relsim sees, but
 * nothing runs in a process killed with SIGKILL, and Linux's PR_SET_PDEATHSIG (a child's
 * "signal me when my parent dies") is out of reach from Node without native code. So this
 * separate process outlives relsim to do the cleanup for it.
 *
 * relsim starts it once (watchdog.ts) and keeps the write end of its stdin. Over it, one
 * JSON object a line, it announces each process group and temp dir it creates or removes:
 *   {"op":"group+","pid":123}  {"op":"group-","pid":123}  {"op":"dir+","path":"/tmp/…"}  {"op":"dir-","path":"/tmp/…"}
 * The kernel closes the pipe when relsim ends, however it ends. On EOF this process sends
 * SIGTERM to every registered group still running, SIGKILL a second later to any still
 * there, removes the dirs, and exits. After a normal exit nothing is left and it exits at
 * once. Plain JavaScript, so that it starts in milliseconds without tsx.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const TERM_GRACE_MS = 1000;
const KILL_WAIT_MS = 1000;
const POLL_MS = 50;
const REMOVE_AGAIN_MS = 200;
const HAVE_PROCFS = existsSync('/proc/self/stat');

/** Process group id → its leader's start time when registered (null: unknown). */
const groups = new Map();
const dirs = new Set();

// This process is detached from relsim (its own session), so Ctrl-C and a closing terminal do
// not reach it; ignore them anyway: only relsim's end may set this process going.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
    apply(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
  }
});
process.stdin.once('end', () => void cleanUp());
process.stdin.once('error', () => void cleanUp());
// For tests (relsim ignores this stdout): from here on a signal finds the handlers above.
process.stdout.write('ready\n');

function apply(line) {
  let msg;
  try { msg = JSON.parse(line); } catch { return; }
  if (msg.op === 'group+' && Number.isInteger(msg.pid) && msg.pid > 1) groups.set(msg.pid, stat(msg.pid)?.start ?? null);
  else if (msg.op === 'group-') groups.delete(msg.pid);
  else if (msg.op === 'dir+' && typeof msg.path === 'string' && msg.path.startsWith('/')) dirs.add(msg.path);
  else if (msg.op === 'dir-') dirs.delete(msg.path);
}

let cleaning = false;
async function cleanUp() {
  if (cleaning) return;
  cleaning = true;
  const running = runningGroups();
  const live = [...groups].filter(([pgid, start]) => running(pgid) && isSameGroup(pgid, start)).map(([pgid]) => pgid);
  for (const g of live) signal(g, 'SIGTERM');
  await waitUntil(() => { const r = runningGroups(); return !live.some(r); }, TERM_GRACE_MS);
  const stillRunning = runningGroups();
  const stubborn = live.filter(stillRunning);
  for (const g of stubborn) signal(g, 'SIGKILL');
  await waitUntil(() => { const r = runningGroups(); return !stubborn.some(r); }, KILL_WAIT_MS);
  const leftDirs = [...dirs].filter((d) => existsSync(d));
  removeDirs(leftDirs);
  // A process that died a moment ago may still have been writing into a dir as it was
  // removed (ENOTEMPTY mid-removal, or a file recreated): look once more and remove again.
  await new Promise((r) => setTimeout(r, REMOVE_AGAIN_MS));
  removeDirs(leftDirs.filter((d) => existsSync(d)));
  if (live.length > 0 || leftDirs.length > 0) {
    process.stderr.write(`relsim watchdog: relsim ended without cleaning up; stopped ${live.length} process group(s) it left`
      + `${stubborn.length > 0 ? ` (${stubborn.length} needed SIGKILL)` : ''}, removed ${leftDirs.length} temp dir(s)\n`);
  }
  process.exit(0);
}

function removeDirs(list) {
  for (const d of list) { try { rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }); } catch { /* best effort */ } }
}

/**
 * False when the group's leader pid now belongs to a different process (the group ended
 * and the pid was reused): that group is not ours to signal. While any member of a group
 * lives the kernel never hands its id out again, so a missing leader is still ours.
 */
function isSameGroup(pgid, start) {
  if (start === null) return true;
  const s = stat(pgid);
  return s === null || s.start === start;
}

function signal(pgid, sig) {
  try { process.kill(-pgid, sig); } catch { /* gone meanwhile */ }
}

/**
 * A test "does this group have a member not yet dead", from one look at every process.
 * Zombies count as dead: they hold no port or file, and where PID 1 reaps no orphans (some
 * sandboxes) they stay zombies forever.
 */
function runningGroups() {
  if (!HAVE_PROCFS) {
    return (pgid) => { try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
  }
  const seen = new Set();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s && s.state !== 'Z') seen.add(s.pgrp);
  }
  return (pgid) => seen.has(pgid);
}

/** /proc/<pid>/stat fields; the command name (field 2) may hold spaces, so parse after the last ')'. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0], pgrp: Number(f[2]), start: f[19] };
  } catch { return null; }
}

async function waitUntil(done, ms) {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, POLL_MS));
}
