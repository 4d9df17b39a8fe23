#!/usr/bin/env node
// Completion ports across JS threads and under closes, resets and cancellations, in plain Node (test/ports.test.ts
// and test/ports-stress.test.ts need vitest, which Windows node under Wine does not run here): several threads
// waiting on one port (LIFO), an operation issued on one thread and dequeued on another, workers that go away while
// they wait on a port or have operations on it, a port closed under a blocked waiter, and rounds of sockets ended
// with operations pending while the main thread or a worker dequeues. Prints one line per check, then
// `N passed, N failed`; exit code 1 if any failed.
//
//   node ports-threads.mjs --module <path to dist/index.js>
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { WAIT_MS, check, moduleUrl, ws, loopbackPair } from './script-setup.mjs';

const PORT_WORKER = fileURLToPath(new URL('../../test/fixtures/port-worker.mjs', import.meta.url));
const DRAIN_WORKER = fileURLToPath(new URL('../../test/fixtures/port-drain-worker.mjs', import.meta.url));

function newPort() {
  const port = ws.CreateIoCompletionPort(ws.INVALID_HANDLE_VALUE, 0, 0, 0);
  check(port !== 0, 'CreateIoCompletionPort');
  return port;
}

const send = (s, text) => check(ws.send(s, Buffer.from(text), text.length, 0) === text.length, `send "${text}"`);

function pending(result, what) {
  check(result !== 0 && ws.WSAGetLastError() === ws.WSA_IO_PENDING, `${what}: pending`);
}

async function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const workers = [];
function startWorker(file, workerData) {
  const worker = new Worker(file, { workerData: { module: moduleUrl, ...workerData } });
  workers.push(worker);
  const inbox = [];
  const errors = [];
  let wake = null;
  worker.on('error', (error) => errors.push(error));
  worker.on('message', (message) => {
    inbox.push(message);
    wake?.();
  });
  const next = async (what) => {
    await within(new Promise((resolve) => { if (inbox.length > 0) resolve(); else wake = resolve; }), 20000, what);
    wake = null;
    check(errors.length === 0, `${what}: worker error ${errors[0]}`);
    return inbox.shift();
  };
  return { worker, next };
}

async function waitersReach(count) {
  const deadline = Date.now() + 20000;
  while (ws.getResourceCounts().portWaiters < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} threads to wait on the port`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function same(actual, expected, what) {
  check(JSON.stringify(actual) === JSON.stringify(expected), `${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function dequeue(port, ms) {
  const bytes = new ws.DWORD(), key = new ws.ULONG_PTR(), overlapped = new ws.LPOVERLAPPED();
  const ok = ws.GetQueuedCompletionStatus(port, bytes, key, overlapped, ms);
  return { ok, lastError: ws.GetLastError(), bytes: bytes.value, key: key.value, overlapped: overlapped.value };
}

const ENDINGS = ['closesocket', 'peer reset', 'CancelIoEx(all)', 'CancelIoEx(each)'];
// What each ending may leave in Internal: own close STATUS_CONNECTION_ABORTED (Wine: an abort, read as
// STATUS_CANCELLED), reset STATUS_CONNECTION_RESET, cancel STATUS_CANCELLED; a send that got out succeeds.
const ALLOWED = {
  closesocket: [ws.STATUS_CONNECTION_ABORTED, ws.STATUS_CANCELLED],
  'peer reset': [ws.STATUS_CONNECTION_RESET, ws.STATUS_CANCELLED, 0],
  'CancelIoEx(all)': [ws.STATUS_CANCELLED],
  'CancelIoEx(each)': [ws.STATUS_CANCELLED],
};

/**
 * Four receives and a send too big to finish, all pending on `s`. Not the send when the socket is then closed
 * under them: Wine 8.0 never completes the operations of a socket closed with a send pending (neither the send
 * nor the receives; measured with a plain MinGW program), where Windows aborts them all.
 */
function startOperations(s, withSend = true) {
  const started = [];
  for (let i = 0; i < 4; i++) {
    const overlapped = new ws.WSAOVERLAPPED();
    pending(ws.WSARecv(s, [new ws.WSABUF(Buffer.alloc(32))], 1, null, new ws.DWORD(), overlapped, null), `WSARecv ${i}`);
    started.push(overlapped);
  }
  if (!withSend) return started;
  const overlapped = new ws.WSAOVERLAPPED();
  pending(ws.WSASend(s, [new ws.WSABUF(Buffer.alloc(8 << 20))], 1, null, 0, overlapped, null), 'WSASend 8 MiB');
  started.push(overlapped);
  return started;
}

function end(ending, { client, server }, started) {
  if (ending === 'closesocket') check(ws.closesocket(server) === 0, 'closesocket');
  else if (ending === 'peer reset') {
    check(ws.setsockopt(client, ws.SOL_SOCKET, ws.SO_LINGER, new ws.LINGER(1, 0), 4) === 0, 'SO_LINGER 0');
    check(ws.closesocket(client) === 0, 'closesocket (reset)');
  } else if (ending === 'CancelIoEx(all)') check(ws.CancelIoEx(server, null), 'CancelIoEx(s, NULL)');
  else for (const overlapped of started) check(ws.CancelIoEx(server, overlapped), 'CancelIoEx(s, ov)');
}

function closeQuietly({ client, server }) {
  ws.closesocket(client);
  ws.closesocket(server);
}

const checks = {
  async 'two workers and the main thread wait on one port: each gets one packet, the last to wait first (LIFO)'() {
    const port = newPort();
    const first = startWorker(PORT_WORKER, { mode: 'wait', port });
    same(await first.next('worker 1 starting'), { type: 'waiting' }, 'worker 1');
    await waitersReach(1);
    const second = startWorker(PORT_WORKER, { mode: 'wait', port });
    same(await second.next('worker 2 starting'), { type: 'waiting' }, 'worker 2');
    await waitersReach(2);
    // Slower than the 100 ms a blocked thread takes to check that it may go on waiting: its place is kept.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const bytes = new ws.DWORD(), key = new ws.ULONG_PTR(), overlapped = new ws.LPOVERLAPPED();
    const mine = ws.GetQueuedCompletionStatusAsync(port, bytes, key, overlapped, 5000);
    await waitersReach(3);
    for (const k of [1, 2, 3]) check(ws.PostQueuedCompletionStatus(port, k * 10, k, null), `post ${k}`);
    check(await mine, 'the main thread dequeued');
    same({ bytes: bytes.value, key: key.value, overlapped: overlapped.value }, { bytes: 10, key: 1, overlapped: null }, 'the main thread');
    const two = await second.next('worker 2 dequeuing');
    same([two.ok, two.bytes, two.key], [true, 20, 2], 'worker 2');
    const one = await first.next('worker 1 dequeuing');
    same([one.ok, one.bytes, one.key], [true, 30, 3], 'worker 1');
    check(ws.getResourceCounts().portWaiters === 0, 'no waiter left');
    check(ws.CloseHandle(port), 'CloseHandle');
  },
  async "the lecture's worker loop: a worker dequeues a receive this thread issued, re-posts WSARecv with the lpOverlapped it got, and dequeues that object again"() {
    const port = newPort();
    const { client, server } = loopbackPair();
    check(ws.CreateIoCompletionPort(server, port, 7, 0) === port, 'associate');
    const shared = new SharedArrayBuffer(64);
    const relay = startWorker(PORT_WORKER, { mode: 'relay', port, socket: server, shared });
    same(await relay.next('the relay worker starting'), { type: 'waiting' }, 'relay');
    await waitersReach(1);
    const overlapped = new ws.WSAOVERLAPPED();
    pending(ws.WSARecv(server, [new ws.WSABUF(Buffer.from(shared))], 1, null, new ws.DWORD(), overlapped, null), 'WSARecv here');
    send(client, 'Hello World');
    same(await relay.next('the re-post'), { type: 'reposted', result: ws.SOCKET_ERROR, lastError: ws.WSA_IO_PENDING }, 'the re-post');
    send(client, 'again');
    const done = await relay.next('the second round');
    same(done, {
      type: 'done',
      rounds: [
        { ok: true, key: 7, bytes: 11, text: 'Hello World', internal: 0, internalHigh: 11, isOverlapped: true, sameAsFirst: true },
        { ok: true, key: 7, bytes: 5, text: 'again', internal: 0, internalHigh: 5, isOverlapped: true, sameAsFirst: true },
      ],
    }, 'both rounds');
    same({ internal: overlapped.Internal, internalHigh: overlapped.InternalHigh }, { internal: 0, internalHigh: 5 }, 'this thread\'s object');
    closeQuietly({ client, server });
    check(ws.CloseHandle(port), 'CloseHandle');
  },
  async 'a worker terminated while blocked in GetQueuedCompletionStatus(INFINITE): terminate() returns, the port keeps working'() {
    const port = newPort();
    const blocked = startWorker(PORT_WORKER, { mode: 'block', port });
    same(await blocked.next('the worker starting'), { type: 'waiting' }, 'blocked worker');
    await waitersReach(1);
    await within(blocked.worker.terminate(), 15000, 'terminate() of a worker blocked on the port');
    check(ws.getResourceCounts().portWaiters === 0, 'its wait is gone');
    check(ws.PostQueuedCompletionStatus(port, 1, 5, null), 'post');
    const got = dequeue(port, 1000);
    check(got.ok && got.key === 5, 'the packet nobody took');
    check(ws.CloseHandle(port), 'CloseHandle');
  },
  async "workers terminated with a receive pending on the port and with a completed receive queued: the queued packet comes out with this thread's view of the dead worker's overlapped"() {
    const port = newPort();
    const pendingPair = loopbackPair();
    const completedPair = loopbackPair();
    check(ws.CreateIoCompletionPort(pendingPair.server, port, 1, 0) === port, 'associate 1');
    check(ws.CreateIoCompletionPort(completedPair.server, port, 2, 0) === port, 'associate 2');
    const first = startWorker(PORT_WORKER, { mode: 'issue', port, socket: pendingPair.server });
    same(await first.next('worker 1 issuing'), { type: 'issued', result: ws.SOCKET_ERROR, lastError: ws.WSA_IO_PENDING }, 'worker 1');
    const second = startWorker(PORT_WORKER, { mode: 'issue', port, socket: completedPair.server });
    same(await second.next('worker 2 issuing'), { type: 'issued', result: ws.SOCKET_ERROR, lastError: ws.WSA_IO_PENDING }, 'worker 2');
    send(completedPair.client, 'queued');
    const deadline = Date.now() + WAIT_MS;
    while (ws.getResourceCounts().packets === 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    check(ws.getResourceCounts().packets === 1, 'the completed receive queued its packet');
    await within(Promise.all([first.worker.terminate(), second.worker.terminate()]), 15000, 'terminate() of both workers');
    send(pendingPair.client, 'later');
    const got = dequeue(port, 2000);
    check(got.ok && got.bytes === 6 && got.key === 2, `the dead worker's packet: ${JSON.stringify({ ...got, overlapped: typeof got.overlapped })}`);
    check(got.overlapped instanceof ws.WSAOVERLAPPED, 'a view of its overlapped');
    same({ internal: got.overlapped.Internal, internalHigh: got.overlapped.InternalHigh }, { internal: 0, internalHigh: 6 }, 'the view');
    const none = dequeue(port, 0);
    check(!none.ok && none.lastError === ws.WAIT_TIMEOUT, 'nothing from the receive that went with its thread');
    const buffer = Buffer.alloc(16);
    check(ws.recv(pendingPair.server, buffer, 16, 0) === 5, 'its data is still in the socket');
    const counts = ws.getResourceCounts();
    check(counts.packets === 0 && counts.portWaiters === 0, `nothing left: ${JSON.stringify(counts)}`);
    closeQuietly(pendingPair);
    closeQuietly(completedPair);
    check(ws.CloseHandle(port), 'CloseHandle');
  },
  async 'a port closed while a worker is blocked on it: the worker gets FALSE with ERROR_ABANDONED_WAIT_0 (735)'() {
    const port = newPort();
    const blocked = startWorker(PORT_WORKER, { mode: 'block', port });
    same(await blocked.next('the worker starting'), { type: 'waiting' }, 'blocked worker');
    await waitersReach(1);
    check(ws.CloseHandle(port), 'CloseHandle');
    const got = await blocked.next('the worker after the close');
    same(got, { type: 'dequeued', ok: false, lastError: ws.ERROR_ABANDONED_WAIT_0 }, 'the abandoned wait');
  },
  async 'an async wait cancelled by its timeout many times while packets arrive: every packet comes out once, in order'() {
    const port = newPort();
    const bytes = new ws.DWORD(), key = new ws.ULONG_PTR(), overlapped = new ws.LPOVERLAPPED();
    const seen = [];
    let posted = 0;
    const poster = setInterval(() => { for (let i = 0; i < 3; i++) ws.PostQueuedCompletionStatus(port, 0, ++posted, null); }, 1);
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      if (await ws.GetQueuedCompletionStatusAsync(port, bytes, key, overlapped, 1)) seen.push(key.value);
    }
    clearInterval(poster);
    for (;;) {
      const got = dequeue(port, 0);
      if (!got.ok) break;
      seen.push(got.key);
    }
    check(seen.length === posted, `${seen.length} of ${posted} packets`);
    check(seen.every((k, i) => k === i + 1), 'FIFO');
    check(ws.CloseHandle(port), 'CloseHandle');
  },
  async '60 rounds of sockets closed, reset and cancelled with operations pending, dequeued here and by a worker: one packet each, the right key and status'() {
    const port = newPort();
    const entries = Array.from({ length: 16 }, () => new ws.OVERLAPPED_ENTRY());
    const removed = new ws.ULONG();
    for (let round = 0; round < 40; round++) {
      const ending = ENDINGS[round % ENDINGS.length];
      const p = loopbackPair();
      check(ws.CreateIoCompletionPort(p.server, port, round, 0) === port, 'associate');
      const started = startOperations(p.server, ending !== 'closesocket');
      end(ending, p, started);
      const seen = new Map();
      while (seen.size < started.length) {
        check(await ws.GetQueuedCompletionStatusExAsync(port, entries, entries.length, removed, 5000, false),
          `round ${round} (${ending}): ${seen.size} of ${started.length} packets`);
        for (const entry of entries.slice(0, removed.value)) {
          check(entry.lpCompletionKey === round, `round ${round}: the key`);
          check(started.includes(entry.lpOverlapped), `round ${round}: the very overlapped`);
          check(!seen.has(entry.lpOverlapped), `round ${round} (${ending}): a second packet for one operation`);
          seen.set(entry.lpOverlapped, entry.Internal);
        }
      }
      for (const status of seen.values()) check(ALLOWED[ending].includes(status), `round ${round} (${ending}): status 0x${status.toString(16)}`);
      closeQuietly(p);
    }
    // 20 more rounds drained by a worker (blocking GetQueuedCompletionStatusEx), the views of this thread's states.
    const STOP = 0xffff;
    const drainer = startWorker(DRAIN_WORKER, { port, stopKey: STOP });
    same(await drainer.next('the drain worker starting'), { type: 'waiting' }, 'drainer');
    const expected = [];
    for (let round = 100; round < 120; round++) {
      const ending = ENDINGS[round % ENDINGS.length];
      const p = loopbackPair();
      check(ws.CreateIoCompletionPort(p.server, port, round, 0) === port, 'associate');
      const started = startOperations(p.server, ending !== 'closesocket');
      end(ending, p, started);
      expected.push(...started.map(() => ({ round, ending })));
      await new Promise((resolve) => setTimeout(resolve, 5));
      closeQuietly(p);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    check(ws.PostQueuedCompletionStatus(port, 0, STOP, null), 'the stop packet');
    const report = await drainer.next('the drain worker done');
    check(report.type === 'done', `drainer: ${JSON.stringify(report).slice(0, 200)}`);
    check(report.seen.length === expected.length, `the worker saw ${report.seen.length} of ${expected.length} packets`);
    for (const [key, , status] of report.seen) {
      const ending = ENDINGS[key % ENDINGS.length];
      check(key >= 100 && key < 120 && ALLOWED[ending].includes(status), `worker: key ${key} (${ending}) status 0x${status.toString(16)}`);
    }
    check(ws.CloseHandle(port), 'CloseHandle');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const counts = ws.getResourceCounts();
    check(counts.packets === 0 && counts.portWaiters === 0 && counts.ports === 0, `nothing left: ${JSON.stringify(counts)}`);
  },
};

check(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA()) === 0, 'WSAStartup');
let passed = 0;
let failed = 0;
for (const [name, run] of Object.entries(checks)) {
  try {
    await run();
    console.log(`ok   ports: ${name}`);
    passed++;
  } catch (error) {
    console.log(`FAIL ports: ${name}\n      ${error.message}`);
    failed++;
  }
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
