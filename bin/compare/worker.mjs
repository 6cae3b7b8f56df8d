// Worker entry for `relsim compare`: worker threads do not inherit the parent's module
// loader (on Node 20 `execArgv: ['--import', 'tsx']` does not reach a worker's imports),
// so register tsx here, as bin/relsim.js does, then load the TypeScript worker.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
