// Races around the end of pending operations, repeated to shake out ordering bugs: every operation completes
// exactly once, with an allowed result, and the process stays healthy (a fresh echo works afterwards).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { createHarness, type Harness } from './conformance/harness.mjs';

const ITERATIONS = 200;
const WORKER_ITERATIONS = 100;
const OPS_PER_SOCKET = 4;
const DIST = new URL('../dist/index.js', import.meta.url).href;
const RECV_WORKER = new URL('./fixtures/recv-worker.mjs', import.meta.url);

/** Every routine call of every operation, keyed by operation. */
class Tally {
  readonly calls = new Map<string, { error: number; bytes: number }[]>();
  expected = 0;
  routine(key: string) {
    this.expected++;
    this.calls.set(key, []);
    return (error: number, bytes: number) => {
      this.calls.get(key)?.push({ error, bytes });
    };
  }
  get completed(): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.length > 0) n++;
    return n;
  }
  /** Each operation completed exactly once, and with an outcome `allowed` accepts. */
  assertExactlyOnce(allowed: (error: number, bytes: number) => boolean): void {
    const wrong: string[] = [];
    for (const [key, c] of this.calls) {
      if (c.length !== 1) wrong.push(`${key}: ${c.length} completions ${JSON.stringify(c)}`);
      else if (!allowed(c[0]!.error, c[0]!.bytes)) wrong.push(`${key}: unexpected outcome ${JSON.stringify(c[0])}`);
    }
    expect(wrong.slice(0, 10), `${wrong.length} of ${this.calls.size} operations wrong`).toEqual([]);
    expect(this.calls.size).toBe(this.expected);
  }
}

function postRecvs(h: Harness, s: number, tally: Tally, prefix: string, count = OPS_PER_SOCKET): void {
  for (let k = 0; k < count; k++) {
    const r = ws.WSARecv(s, [new ws.WSABUF(Buffer.alloc(32))], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), tally.routine(`${prefix}.${k}`));
    h.expectPending(r, `${prefix}.${k} WSARecv`);
  }
}

/** Routines still queued would run in a later alertable wait: run them now, bounded. */
function drainRoutines(): void {
  for (let i = 0; i < 100 && ws.SleepEx(0, true) === ws.WAIT_IO_COMPLETION; i++);
}

async function echoWorks(h: Harness): Promise<void> {
  const { client, server } = h.pair();
  h.send(client, 'ping');
  expect((await h.recvExactly(server, 4)).toString()).toBe('ping');
  h.send(server, 'pong');
  expect((await h.recvExactly(client, 4)).toString()).toBe('pong');
}

let h: Harness;
beforeAll(() => {
  expect(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA())).toBe(0);
});
afterAll(() => {
  ws.WSACleanup();
});
afterEach(async () => {
  await h.cleanup();
});

describe('stress: ends of pending operations', () => {
  it(`closesocket while receives are pending (${ITERATIONS} rounds): each completes once, aborted or with data`, async () => {
    h = createHarness(ws);
    const tally = new Tally();
    const events: { ov: InstanceType<typeof ws.WSAOVERLAPPED>; ev: number }[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const { client, server } = h.pair();
      postRecvs(h, server, tally, `close${i}`);
      const ov = new ws.WSAOVERLAPPED();
      const ev = h.event();
      ov.hEvent = ev;
      h.expectPending(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(32))], 1, new ws.DWORD(), new ws.DWORD(), ov, null), 'event WSARecv');
      events.push({ ov, ev });
      // Every other round, bytes race the close: an operation may complete with data or be aborted, never both.
      if (i % 2 === 1) h.send(client, 'race');
      h.expectOk(h.close(server), 'closesocket with operations pending');
      await h.alertUntil(() => tally.completed === tally.expected, `round ${i} routines`);
      await h.waitEvent(ev, `round ${i} event operation`);
      h.close(client);
      h.closeEvent(ev);
    }
    drainRoutines();
    tally.assertExactlyOnce((error, bytes) => (error === ws.WSA_OPERATION_ABORTED && bytes === 0) || (error === 0 && bytes > 0));
    for (const { ov } of events) {
      expect(ov.Internal === 0 ? ov.InternalHigh > 0 : ov.Internal >= 0xc0000000, `Internal 0x${ov.Internal.toString(16)}`).toBe(true);
    }
    await echoWorks(h);
  });

  it(`peer reset while receives are pending (${ITERATIONS} rounds): each completes once with WSAECONNRESET`, async () => {
    h = createHarness(ws);
    const tally = new Tally();
    const racingClose = new Set<string>();
    for (let i = 0; i < ITERATIONS; i++) {
      const { client, server } = h.pair();
      postRecvs(h, server, tally, `reset${i}`);
      const hard = new ws.LINGER();
      hard.l_onoff = 1;
      hard.l_linger = 0;
      h.expectOk(ws.setsockopt(client, ws.SOL_SOCKET, ws.SO_LINGER, hard, 4), 'SO_LINGER {1,0}');
      h.expectOk(h.close(client), 'abortive closesocket');
      // Every third round our own close races the reset: then aborted (995) is an allowed outcome too.
      if (i % 3 === 2) {
        racingClose.add(`reset${i}`);
        h.close(server);
      }
      await h.alertUntil(() => tally.completed === tally.expected, `round ${i} routines`);
      if (i % 3 !== 2) h.close(server);
    }
    drainRoutines();
    const wrong: string[] = [];
    for (const [key, c] of tally.calls) {
      const allowed = racingClose.has(key.split('.')[0]!) ? [ws.WSAECONNRESET, ws.WSA_OPERATION_ABORTED] : [ws.WSAECONNRESET];
      if (c.length !== 1 || !allowed.includes(c[0]!.error) || c[0]!.bytes !== 0) wrong.push(`${key}: ${JSON.stringify(c)}`);
    }
    expect(wrong.slice(0, 10), `${wrong.length} of ${tally.calls.size} operations wrong`).toEqual([]);
    await echoWorks(h);
  });

  it(`worker terminated with receives pending (${WORKER_ITERATIONS} rounds): the process stays healthy`, async () => {
    h = createHarness(ws);
    const tally = new Tally();
    const workerErrors: unknown[] = [];
    for (let i = 0; i < WORKER_ITERATIONS; i++) {
      const pairs = [h.pair(), h.pair()];
      const mine = h.pair();
      postRecvs(h, mine.server, tally, `main${i}`, 1);
      const worker = new Worker(RECV_WORKER, {
        workerData: { module: DIST, sockets: pairs.map((p) => p.server), perSocket: 3, mode: i % 2 === 0 ? 'async' : 'blocking' },
      });
      worker.on('error', (e) => workerErrors.push(e));
      const [msg] = await h.within(once(worker, 'message'), 20000, `round ${i}: worker posting its receives`);
      expect(msg).toEqual({ posted: 6 });
      // Completions race the termination: bytes arrive for the worker's first socket as it goes away.
      h.send(pairs[0]!.client, 'racing the terminate');
      await h.within(worker.terminate(), 20000, `round ${i}: worker.terminate()`);
      // The dead worker's remaining operations are aborted now; their routines have no thread to run on.
      for (const p of pairs) h.close(p.server);
      h.send(mine.client, 'mine');
      await h.alertUntil(() => tally.completed === tally.expected, `round ${i}: the main thread's own receive`);
      for (const p of pairs) h.close(p.client);
      h.close(mine.client);
      h.close(mine.server);
    }
    expect(workerErrors).toEqual([]);
    drainRoutines();
    tally.assertExactlyOnce((error, bytes) => error === 0 && bytes === 4);
    await echoWorks(h);
  });
});
