// Completion ports across JS threads: one port, several waiting threads (LIFO), operations issued on one thread and
// dequeued on another (the lecture's IOCP worker loop), and workers that go away while they wait on a port or
// have operations pending on it.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { useWinsockHarness } from './helpers/winsock-suite.js';

const h = useWinsockHarness();
const DIST = new URL('../dist/index.js', import.meta.url).href;
const PORT_WORKER = new URL('./fixtures/port-worker.mjs', import.meta.url);

const ports: number[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  for (const port of ports.splice(0)) ws.CloseHandle(port);
});

function newPort(): number {
  const port = ws.CreateIoCompletionPort(ws.INVALID_HANDLE_VALUE, 0, 0, 0);
  expect(port, `CreateIoCompletionPort: ${h.errName(ws.GetLastError())}`).not.toBe(0);
  ports.push(port);
  return port;
}

function startWorker(workerData: Record<string, unknown>): { worker: Worker; next: (what: string) => Promise<Record<string, unknown>> } {
  const worker = new Worker(PORT_WORKER, { workerData: { module: DIST, ...workerData } });
  workers.push(worker);
  const errors: unknown[] = [];
  worker.on('error', (error) => errors.push(error));
  // Every message is kept: one may arrive before the test asks for it.
  const inbox: Record<string, unknown>[] = [];
  let wake: (() => void) | null = null;
  worker.on('message', (message) => {
    inbox.push(message);
    wake?.();
  });
  const next = async (what: string) => {
    await h.within(new Promise<void>((resolve) => {
      if (inbox.length > 0) resolve();
      else wake = resolve;
    }), 20_000, what);
    wake = null;
    expect(errors).toEqual([]);
    return inbox.shift()!;
  };
  return { worker, next };
}

/** Resolves once `count` GetQueuedCompletionStatus calls wait (the addon's own count: no guessing with sleeps). */
async function waitersReach(count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (ws.getResourceCounts().portWaiters < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} threads to wait on the port`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('one port, several threads', () => {
  it('two workers and the main thread wait on one port: each gets one packet, the last to wait first (LIFO)', async () => {
    const port = newPort();
    const first = startWorker({ mode: 'wait', port });
    expect(await first.next('worker 1 starting')).toEqual({ type: 'waiting' });
    await waitersReach(1);
    const second = startWorker({ mode: 'wait', port });
    expect(await second.next('worker 2 starting')).toEqual({ type: 'waiting' });
    await waitersReach(2);
    const bytes = new ws.DWORD(), key = new ws.ULONG_PTR(), overlapped = new ws.LPOVERLAPPED();
    const mine = ws.GetQueuedCompletionStatusAsync(port, bytes, key, overlapped, 5000);
    await waitersReach(3);
    for (const k of [1, 2, 3]) expect(ws.PostQueuedCompletionStatus(port, k * 10, k, null)).toBe(true);
    expect(await mine, `main thread: ${h.errName(ws.GetLastError())}`).toBe(true);
    expect({ bytes: bytes.value, key: key.value, overlapped: overlapped.value }).toEqual({ bytes: 10, key: 1, overlapped: null });
    expect(await second.next('worker 2 dequeuing')).toEqual({ type: 'dequeued', ok: true, lastError: expect.any(Number), bytes: 20, key: 2, overlapped: null });
    expect(await first.next('worker 1 dequeuing')).toEqual({ type: 'dequeued', ok: true, lastError: expect.any(Number), bytes: 30, key: 3, overlapped: null });
    expect(ws.getResourceCounts()).toMatchObject({ packets: 0, portWaiters: 0 });
  });

  it("the lecture's worker loop: a worker dequeues a receive the main thread issued, reads the shared buffer, re-posts WSARecv with the lpOverlapped it got, and dequeues that same object again", async () => {
    const port = newPort();
    const { client, server } = h.pair();
    const SESSION = 7;
    expect(ws.CreateIoCompletionPort(server, port, SESSION, 0)).toBe(port);
    const shared = new SharedArrayBuffer(64);
    const relay = startWorker({ mode: 'relay', port, socket: server, shared });
    expect(await relay.next('the relay worker starting')).toEqual({ type: 'waiting' });
    await waitersReach(1);
    const overlapped = new ws.WSAOVERLAPPED();
    h.expectPending(ws.WSARecv(server, [new ws.WSABUF(Buffer.from(shared))], 1, null, new ws.DWORD(), overlapped, null), 'WSARecv on the main thread');
    h.send(client, 'Hello World');
    expect(await relay.next('the re-post')).toEqual({ type: 'reposted', result: ws.SOCKET_ERROR, lastError: ws.WSA_IO_PENDING });
    h.send(client, 'again');
    const done = await relay.next('the second round');
    expect(done).toEqual({
      type: 'done',
      rounds: [
        { ok: true, key: SESSION, bytes: 11, text: 'Hello World', internal: 0, internalHigh: 11, isOverlapped: true, sameAsFirst: true },
        { ok: true, key: SESSION, bytes: 5, text: 'again', internal: 0, internalHigh: 5, isOverlapped: true, sameAsFirst: true },
      ],
    });
    // The worker's view and this thread's object are one overlapped: its second operation shows here too.
    expect({ internal: overlapped.Internal, internalHigh: overlapped.InternalHigh }).toEqual({ internal: 0, internalHigh: 5 });
  });

  it('a worker that only ever blocks in GetQueuedCompletionStatus (its event loop never turns) holds no record per completion', async () => {
    const port = newPort();
    const { client, server } = h.pair();
    expect(ws.CreateIoCompletionPort(server, port, 1, 0)).toBe(port);
    const ROUNDS = 300;
    const shared = new SharedArrayBuffer(4);
    const dequeued = new Int32Array(shared);
    const looping = startWorker({ mode: 'loop', port, socket: server, shared, rounds: ROUNDS });
    expect(await looping.next('the looping worker starting')).toEqual({ type: 'waiting' });
    for (let round = 0; round < ROUNDS; round++) {
      h.send(client, 'x');
      // One byte at a time, each dequeued before the next is sent, so each is its own completion.
      const deadline = Date.now() + 10_000;
      while (Atomics.load(dequeued, 0) <= round) {
        if (Date.now() > deadline) throw new Error(`round ${round}: the worker did not dequeue`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const done = await looping.next('the looping worker finishing');
    // Its last receive is still pending: one record. Without the blocking wait releasing what finished, ROUNDS.
    expect(done).toEqual({ type: 'done', operations: 1 });
  });
});

describe('workers that go away', () => {
  it('a worker terminated while blocked in GetQueuedCompletionStatus(INFINITE): terminate() returns, the port keeps working', async () => {
    const port = newPort();
    const blocked = startWorker({ mode: 'block', port });
    expect(await blocked.next('the worker starting')).toEqual({ type: 'waiting' });
    await waitersReach(1);
    await h.within(blocked.worker.terminate(), 15_000, 'terminate() of a worker blocked on the port');
    expect(ws.getResourceCounts().portWaiters).toBe(0);
    expect(ws.PostQueuedCompletionStatus(port, 1, 5, null)).toBe(true);
    const bytes = new ws.DWORD(), key = new ws.ULONG_PTR(), overlapped = new ws.LPOVERLAPPED();
    expect(ws.GetQueuedCompletionStatus(port, bytes, key, overlapped, 1000), 'the packet nobody took').toBe(true);
    expect(key.value).toBe(5);
  });

  it("a worker terminated with a receive pending on the port, and one whose completed receive is still queued: the process stays healthy, the queued packet comes out with this thread's view of the dead worker's overlapped", async () => {
    const port = newPort();
    const pending = h.pair();
    const completed = h.pair();
    expect(ws.CreateIoCompletionPort(pending.server, port, 1, 0)).toBe(port);
    expect(ws.CreateIoCompletionPort(completed.server, port, 2, 0)).toBe(port);
    const first = startWorker({ mode: 'issue', port, socket: pending.server });
    expect(await first.next('the first worker issuing')).toEqual({ type: 'issued', result: ws.SOCKET_ERROR, lastError: ws.WSA_IO_PENDING });
    const second = startWorker({ mode: 'issue', port, socket: completed.server });
    expect(await second.next('the second worker issuing')).toEqual({ type: 'issued', result: ws.SOCKET_ERROR, lastError: ws.WSA_IO_PENDING });
    h.send(completed.client, 'queued');
    const bytes = new ws.DWORD(), key = new ws.ULONG_PTR(), overlapped = new ws.LPOVERLAPPED();
    // The packet is queued by whichever thread drives the receive; wait for it without taking it.
    const deadline = Date.now() + 10_000;
    while (ws.getResourceCounts().packets === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(ws.getResourceCounts().packets, 'the completed receive queued its packet').toBe(1);
    await h.within(Promise.all([first.worker.terminate(), second.worker.terminate()]), 15_000, 'terminate() of both workers');
    // The pending receive went with its thread; its data is still in the socket for the next receive here.
    h.send(pending.client, 'later');
    expect(ws.GetQueuedCompletionStatus(port, bytes, key, overlapped, 2000), `the dead worker's packet: ${h.errName(ws.GetLastError())}`).toBe(true);
    expect({ bytes: bytes.value, key: key.value }).toEqual({ bytes: 6, key: 2 });
    expect(overlapped.value).toBeInstanceOf(ws.WSAOVERLAPPED);
    expect({ internal: overlapped.value!.Internal, internalHigh: overlapped.value!.InternalHigh }).toEqual({ internal: 0, internalHigh: 6 });
    expect(ws.GetQueuedCompletionStatus(port, bytes, key, overlapped, 0), 'nothing from the aborted receive').toBe(false);
    expect(ws.GetLastError()).toBe(ws.WAIT_TIMEOUT);
    const buffer = Buffer.alloc(16);
    expect(ws.recv(pending.server, buffer, 16, 0)).toBe(5);
    expect(ws.getResourceCounts()).toMatchObject({ packets: 0, portWaiters: 0 });
  });
});
