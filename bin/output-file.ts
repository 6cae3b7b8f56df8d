/**
 * One output file: checked before any work (a directory given as the file, a missing or
 * unwritable directory, a read-only file), then written atomically after it — into a
 * temporary file in the same directory, renamed over the target — so a failed or
 * interrupted write leaves the old file or none, never half a report.
 *
 *   const problem = unwritable('out/report.html');   // null, or e.g. 'is a directory; name a file'
 *   writeAtomically('out/report.html', html);        // throws the fs error; no temporary file is left
 *
 * Devices and pipes (/dev/null, /dev/stdout, a FIFO) are written in place: renaming over
 * them would replace the device, and a stream has no partial state to protect.
 */
import { accessSync, chmodSync, closeSync, constants, openSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** Why `file` cannot be written, as the end of a one-line error; null when it can. */
export function unwritable(file: string): string | null {
  if (/[\\/]$/.test(file)) return 'names a directory; name a file';
  const st = stat(file);
  if (st.stats?.isDirectory()) return 'is a directory; name a file';
  if (st.stats) {
    // An existing file must itself be writable: replacing a read-only one by rename would
    // succeed, but the user made it read-only for a reason (writeFileSync refused it too).
    try { accessSync(file, constants.W_OK); } catch (e) { return `cannot write (${code(e)})`; }
    if (!st.stats.isFile()) return null;
  }
  const dir = dirname(st.stats ? realpathSync(file) : file);
  const d = stat(dir);
  if (!d.stats) return d.code === 'ENOTDIR' ? `${dir} is not a directory` : `directory ${dir} does not exist`;
  if (!d.stats.isDirectory()) return `${dir} is not a directory`;
  // Creating a file is the only check that answers for root (which access() waves through
  // anywhere), read-only mounts and ACLs alike; it is exactly what the write will do.
  const probe = tempPath(dir, file);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    return `cannot create a file in ${dir} (${code(e)})`;
  }
  return null;
}

/** Writes `text` to `file` all at once or not at all (see the header). */
export function writeAtomically(file: string, text: string): void {
  const st = stat(file).stats;
  if (st && !st.isFile() && !st.isDirectory()) {
    writeFileSync(file, text);
    return;
  }
  // Through a symlink to the file it names, as writeFileSync would write.
  const target = st ? realpathSync(file) : file;
  const tmp = tempPath(dirname(target), target);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    if (st) chmodSync(tmp, st.mode & 0o7777); // a replaced file keeps its permissions
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A hidden, unique name beside the target: same directory, so the rename stays on one file system. */
function tempPath(dir: string, file: string): string {
  return join(dir, `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

function stat(path: string): { stats: Stats | null; code?: string } {
  try {
    return { stats: statSync(path) };
  } catch (e) {
    return { stats: null, code: code(e) };
  }
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
