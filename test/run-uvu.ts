/**
 * Runs the given test files with uvu in this process, then prints `N passed, N failed` as
 * its last line and exits explicitly. test/run.ts starts one of these per test file.
 *
 * uvu sets process.exitCode and waits for the event loop to drain, so one leaked handle
 * (a server, a child, a timer) would hang CI after every test passed. Here a leak is named
 * on stderr and fails the run instead of hanging it.
 *
 *   node --import tsx test/run-uvu.ts FILE...
 */
import { resolve } from 'node:path';
import { run } from 'uvu/run';

const files = process.argv.slice(2);

// uvu prints its totals but does not return them; read them off its own output.
let printed = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  printed = (printed + String(chunk)).slice(-2000);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

await run(files.map((file) => ({ name: file, file: resolve(file) })), { bail: false });
process.stdout.write = write;

// eslint-disable-next-line no-control-regex
const plain = printed.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
let code = process.exitCode === undefined ? 0 : Number(process.exitCode);
if (!(total > 0)) {
  console.error(`no test ran in ${files.join(', ')}`);
  code = 1;
}
console.log(`${passed} passed, ${total - passed} failed`);
process.exitCode = code;

// If the process is still alive a moment from now, something leaked: name it and exit. A
// resource seen once may be a close still in progress (a socket's last setImmediate), so it
// counts as a leak only if something is still open a second later too.
const openResources = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'TTYWrap' && r !== 'PipeWrap');
setTimeout(() => {
  if (openResources().length === 0) process.exit(code);
  setTimeout(() => {
    const open = openResources();
    if (open.length > 0) {
      console.error(`handles still open after the tests: ${open.join(', ')} (a test leaks a resource)`);
      code = code || 1;
    }
    process.exit(code);
  }, 1000).unref();
}, 500).unref();
