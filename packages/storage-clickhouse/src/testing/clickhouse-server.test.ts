import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startClickHouse } from './clickhouse-server.js';

// The harness the ClickHouse tests start their servers with, against real clickhouse-server:
// a port taken between choosing and binding it (another test's connection can take it) must not
// fail a test run, and a node that cannot start must say why (its directory is gone by then).

const blockers: Server[] = [];
/** A port something else listens on (it hangs up on whoever connects). */
async function takenPort(): Promise<number> {
  const s = createServer((socket) => socket.destroy());
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  blockers.push(s);
  const addr = s.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}
afterAll(async () => {
  await Promise.all(blockers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

describe('startClickHouse', () => {
  it('starts again on new ports when a port was taken before the server bound it', async () => {
    let picks = 0;
    const taken = await takenPort();
    // The first node's HTTP port is taken; every later pick is free.
    const servers = await startClickHouse(1, 'skein_test', async () => (picks++ === 0 ? taken : freePort()));
    try {
      expect(picks).toBe(4); // two ports per try: the first try failed, the second started
      const node = servers.nodes[0]!;
      expect(node.httpPort).not.toBe(taken);
      const res = await fetch(`${node.url}/?query=SELECT%2042`);
      expect((await res.text()).trim()).toBe('42');
    } finally {
      await servers.close();
    }
  }, 120_000);

  it('gives up after three tries with the end of the server\'s error log in the error', async () => {
    const taken = await takenPort();
    let picks = 0;
    const started = startClickHouse(1, 'skein_test', async () => {
      picks++;
      return picks % 2 === 1 ? taken : freePort();
    });
    await expect(started).rejects.toThrow(new RegExp(`exited during start; its error.log ends:\\n[^]*Address already in use: 127\\.0\\.0\\.1:${taken}`));
    expect(picks).toBe(6);
  }, 120_000);
});
