#!/usr/bin/env node
// Runs `npm ci` only when node_modules is missing or older than package-lock.json, so a
// fresh clone needs nothing but `npm start` / `npm test`, and a warm one pays nothing.
import { existsSync, statSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!existsSync(marker)) return 'node_modules is missing';
  // npm rewrites node_modules/.package-lock.json on every install; if the lock's
  // package set differs from what is installed, reinstall.
  const want = JSON.parse(readFileSync(lock, 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(marker, 'utf8')).packages ?? {};
  for (const [path, meta] of Object.entries(want)) {
    if (path === '') continue;
    if (meta.optional && !have[path]) continue;
    if (!have[path] || have[path].version !== meta.version) return `${path} is missing or not ${meta.version}`;
  }
  if (statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000 && Object.keys(have).length === 0) return 'lock is newer';
  return null;
}

const why = stale();
if (why) {
  console.error(`relsim: installing npm dependencies (${why})…`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
