/**
 * Where a proxy we started listens, read off the kernel rather than off its config: a config
 * injection shows up as a socket the generator never wrote (a `listen 0.0.0.0:…`), so the
 * check must not trust the config it is checking.
 *
 * Linux only: the sockets each pid holds (/proc/<pid>/fd → socket:[inode]) matched against
 * /proc/net/{tcp,tcp6,udp,udp6}. No `ss` needed.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { childPids } from '../../replay/tools.ts';

/** The proxy processes this test process started (masters are its direct children) and their workers. */
export function proxyPids(names: string[]): number[] {
  const masters = childPids(process.pid).filter((pid) => names.includes(commOf(pid)));
  const all = new Set<number>();
  const visit = (pid: number): void => {
    if (all.has(pid)) return;
    all.add(pid);
    for (const c of childPids(pid)) visit(c);
  };
  masters.forEach(visit);
  return [...all];
}

function commOf(pid: number): string {
  try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; }
}

export interface BoundSocket {
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
  /** Only 127.0.0.1 (or its IPv4-mapped IPv6 form) counts as loopback here: ::1 is not the address we allow. */
  loopback: boolean;
}

/** Every listening TCP socket and every bound UDP socket any of `pids` holds. */
export function boundSockets(pids: number[]): BoundSocket[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try { fds = readdirSync(`/proc/${pid}/fd`); } catch { continue; /* exited */ }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch { /* closed meanwhile */ }
    }
  }
  const out: BoundSocket[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    let text = '';
    try { text = readFileSync(`/proc/net/${proto}`, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9])) continue;
      // TCP state 0A is LISTEN; a connected TCP socket is traffic, not a listener.
      if (proto.startsWith('tcp') && f[3] !== '0A') continue;
      const [hexAddr, hexPort] = f[1].split(':');
      out.push({ proto, address: decodeAddress(hexAddr), port: parseInt(hexPort, 16), loopback: hexAddr === '0100007F' || hexAddr === '0000000000000000FFFF00000100007F' });
    }
  }
  return out;
}

/** /proc/net addresses are 32-bit words in host (little-endian) order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)].map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}
