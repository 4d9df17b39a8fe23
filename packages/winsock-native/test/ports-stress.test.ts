// Races around completion ports, repeated to shake out ordering and lifetime bugs (run under ASan by
// test/run-asan.sh): sockets associated with a port are closed, reset by the peer and cancelled while receives
// and a send are pending, and a worker dequeues the packets meanwhile. Every operation yields exactly one packet
// with an allowed status, nothing is left behind, and the process stays healthy.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { createHarness, type Harness } from './conformance/harness.mjs';

const ROUNDS = 150;
const RECEIVES = 4;
const STOP_KEY = 0xffff;
const DIST = new URL('../dist/index.js', import.meta.url).href;
const DRAIN_WORKER = new URL('./fixtures/port-drain-worker.mjs', import.meta.url);

let h: Harness;
beforeAll(() => {
  expect(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA())).toBe(0);
});
afterAll(() => {
  ws.WSACleanup();
});
afterEach(() => h?.cleanup());

type Ending = 'closesocket' | 'peer reset' | 'CancelIoEx(all)' | 'CancelIoEx(each)';
const ENDINGS: Ending[] = ['closesocket', 'peer reset', 'CancelIoEx(all)', 'CancelIoEx(each)'];
// NTSTATUS each ending may leave: own close STATUS_CONNECTION_ABORTED, reset STATUS_CONNECTION_RESET, cancel
// STATUS_CANCELLED; a send that got everything out before the end succeeds.
const ALLOWED: Record<Ending, number[]> = {
  closesocket: [ws.STATUS_CONNECTION_ABORTED, ws.STATUS_CANCELLED],
  'peer reset': [ws.STATUS_CONNECTION_RESET, ws.STATUS_CANCELLED, 0],
  'CancelIoEx(all)': [ws.STATUS_CANCELLED],
  'CancelIoEx(each)': [ws.STATUS_CANCELLED],
};

/** Starts RECEIVES receives and one send too big to finish on `server` (associated with the port under `key`). */
function startOperations(server: number): ws.WSAOVERLAPPED[] {
  const started: ws.WSAOVERLAPPED[] = [];
  for (let i = 0; i < RECEIVES; i++) {
    const overlapped = new ws.WSAOVERLAPPED();
    h.expectPending(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(32))], 1, null, new ws.DWORD(), overlapped, null), `WSARecv ${i}`);
    started.push(overlapped);
  }
  const send = new ws.WSAOVERLAPPED();
  h.expectPending(ws.WSASend(server, [new ws.WSABUF(Buffer.alloc(8 << 20))], 1, null, 0, send, null), 'WSASend 8 MiB');
  started.push(send);
  return started;
}

/** One round: a pair whose server is associated under the round's key, its operations started, then ended. */
function endRound(round: number, port: number) {
  const ending = ENDINGS[round % ENDINGS.length]!;
  const pair = h.pair({ bufferSize: 8192 });
  expect(ws.CreateIoCompletionPort(pair.server, port, round, 0)).toBe(port);
  const started = startOperations(pair.server);
  end(ending, pair, started);
  return { ending, pair, started };
}

function end(ending: Ending, pair: { client: number; server: number }, started: ws.WSAOVERLAPPED[]): void {
  if (ending === 'closesocket') h.expectOk(h.close(pair.server), 'closesocket');
  else if (ending === 'peer reset') h.abortiveClose(pair.client);
  else if (ending === 'CancelIoEx(all)') expect(ws.CancelIoEx(pair.server, null)).toBe(true);
  else for (const overlapped of started) expect(ws.CancelIoEx(pair.server, overlapped), 'CancelIoEx one').toBe(true);
}

describe('completion ports under closes, resets and cancellations', () => {
  it(`${ROUNDS} rounds, the main thread dequeuing: each of the ${RECEIVES + 1} operations per socket yields exactly one packet, with the overlapped and key it was started with`, async () => {
    h = createHarness(ws, { timeoutMs: 10_000 });
    const port = ws.CreateIoCompletionPort(ws.INVALID_HANDLE_VALUE, 0, 0, 0);
    const entries = Array.from({ length: 16 }, () => new ws.OVERLAPPED_ENTRY<ws.WSAOVERLAPPED>());
    const removed = new ws.ULONG();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const { ending, pair, started } = endRound(round, port);
        const seen = new Map<ws.WSAOVERLAPPED, number>();
        while (seen.size < started.length) {
          const ok = await ws.GetQueuedCompletionStatusExAsync(port, entries, entries.length, removed, 5000, false);
          expect(ok, `round ${round} (${ending}): ${seen.size} of ${started.length} packets, then ${h.errName(ws.GetLastError())}`).toBe(true);
          for (const entry of entries.slice(0, removed.value)) {
            expect(entry.lpCompletionKey, `round ${round}: the key`).toBe(round);
            const overlapped = entry.lpOverlapped!;
            expect(started.includes(overlapped), `round ${round}: the very overlapped`).toBe(true);
            expect(seen.has(overlapped), `round ${round} (${ending}): a second packet for one operation`).toBe(false);
            seen.set(overlapped, entry.Internal);
            expect(ALLOWED[ending], `round ${round} (${ending}): status 0x${entry.Internal.toString(16)}`).toContain(entry.Internal);
          }
        }
        h.close(pair.server);
        h.close(pair.client);
      }
      expect(ws.GetQueuedCompletionStatusEx(port, entries, entries.length, removed, 0, false), 'nothing more').toBe(false);
    } finally {
      ws.CloseHandle(port);
    }
    expect(ws.getResourceCounts()).toMatchObject({ ports: 0, packets: 0, portWaiters: 0 });
  }, 120_000);

  it(`${ROUNDS} rounds while a worker drains the port in batches: every packet reaches it once, with its round's key`, async () => {
    h = createHarness(ws, { timeoutMs: 10_000 });
    const port = ws.CreateIoCompletionPort(ws.INVALID_HANDLE_VALUE, 0, 0, 0);
    const worker = new Worker(DRAIN_WORKER, { workerData: { module: DIST, port, stopKey: STOP_KEY } });
    try {
      const [ready] = await h.within(once(worker, 'message'), 20_000, 'the draining worker starting');
      expect(ready).toEqual({ type: 'waiting' });
      for (let round = 0; round < ROUNDS; round++) {
        endRound(round, port);
        if (round % 10 === 9) await new Promise((resolve) => setImmediate(resolve)); // let this thread's loop run too
      }
      // Every operation has ended: each packet is queued or taken. The stop packet comes after all of them.
      await h.within(everyOperationEnded(), 20_000, 'every operation ending');
      expect(ws.PostQueuedCompletionStatus(port, 0, STOP_KEY, null)).toBe(true);
      const [report] = await h.within(once(worker, 'message'), 20_000, "the worker's report");
      expect(report.type, JSON.stringify(report).slice(0, 300)).toBe('done');
      const perRound = new Map<number, number>();
      for (const [key] of report.seen as [number, number, number][]) perRound.set(key, (perRound.get(key) ?? 0) + 1);
      const wrong = [...Array(ROUNDS).keys()].filter((round) => perRound.get(round) !== RECEIVES + 1);
      expect(wrong.map((round) => `${round}: ${perRound.get(round) ?? 0}`), 'rounds without exactly one packet per operation').toEqual([]);
    } finally {
      await worker.terminate();
      ws.CloseHandle(port);
    }
    expect(ws.getResourceCounts()).toMatchObject({ ports: 0, packets: 0, portWaiters: 0 });
  }, 120_000);
});

/** Resolves once no operation record is left: each has ended and queued its packet. */
async function everyOperationEnded(): Promise<void> {
  while (ws.getResourceCounts().operations > 0) await new Promise((resolve) => setImmediate(resolve));
}
