#!/usr/bin/env node
// The `relsim` command. TypeScript sources run through tsx's loader, so there is no build
// step to forget; the simulator's hot path is plain code either way.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('./cli.ts');
await main(process.argv.slice(2));
