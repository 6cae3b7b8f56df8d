// Entry of the load thread when relsim runs from source: worker threads do not inherit
// the parent's module loader, so register tsx here (as bin/relsim.js does), then load it.
import { register } from 'tsx/esm/api';
register();
await import('./load-worker.ts');
