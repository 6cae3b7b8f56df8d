// Listening ports for the harness come from below the kernel's ephemeral range, so they
// cannot collide with the local port of a client socket (autocannon, backends' calls).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { freePort, portIsFree } from '../../replay/tools.ts';

test('free ports are below the ephemeral range, distinct, and free', async () => {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const ports: number[] = [];
  for (let k = 0; k < 40; k++) ports.push(await freePort());
  assert.is(new Set(ports).size, ports.length);
  for (const p of ports) {
    assert.ok(p >= 10_000 && p < low, `port ${p} outside [10000, ${low})`);
    assert.ok(await portIsFree(p));
  }
});

test.run();
