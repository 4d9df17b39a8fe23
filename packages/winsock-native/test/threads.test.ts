// Completions that cross JS threads: a worker's env torn down while another thread completes its operations,
// and an operation that completes while the thread that issued it is busy in JavaScript.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { headOf, runProgram } from './helpers/program.js';
import { useWinsockHarness } from './helpers/winsock-suite.js';

const h = useWinsockHarness();

const DIST = new URL('../dist/index.js', import.meta.url).href;
const TEARDOWN_RACE = new URL('./fixtures/teardown-race.mjs', import.meta.url);
const WAIT_WORKER = new URL('./fixtures/wait-worker.mjs', import.meta.url);
const STATUS_PENDING = 0x103;

describe('env teardown racing completions from another thread', () => {
  // The rounds run in a child process (fixtures/teardown-race.mjs): a use-after-free is an ASan abort or a crash of
  // that process, reported here with its stderr. Run under OVERLAPPED_NATIVE_BUILD=asan to see memory errors as such.
  const ROUNDS = Number(process.env.OVERLAPPED_TEARDOWN_ROUNDS ?? 200); // more for a soak
  const SOCKETS = 4;
  const RECEIVES_PER_SOCKET = 512;
  // About 10 s on a quiet two-core machine, 15 to 17 s under ASan; several times that on a loaded one.
  const CHILD_LIMIT_MS = 170_000;
  it(`a worker torn down (terminate(), or its own process.exit()) while the main thread closesockets the sockets its ${SOCKETS}x${RECEIVES_PER_SOCKET} receives pend on and bytes arrive (${ROUNDS} rounds): no use-after-free, every operation released`, async () => {
    const result = await runProgram(TEARDOWN_RACE, [ROUNDS, SOCKETS, RECEIVES_PER_SOCKET], CHILD_LIMIT_MS);
    const stderr = headOf(result.stderr, 60);
    expect(/AddressSanitizer/.test(result.stderr), `a memory error in the child:\n${stderr}`).toBe(false);
    expect({ code: result.code, signal: result.signal }, `stderr:\n${stderr}`).toEqual({ code: 0, signal: null });
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(summary).toMatchObject({ ok: true, rounds: ROUNDS });
    // What the dead workers held (their sockets' operations, events, records) is all released.
    if (summary.baseline) expect(summary.after, 'resource counts after the rounds').toEqual(summary.baseline);
  }, CHILD_LIMIT_MS + 10_000);
});

describe('a completion while the issuing thread is busy', () => {
  /** Starts the worker, waits for it to be about to wait, and returns its shared report. */
  async function startWaiter(event: number, mode: 'blocking' | 'async', timeoutMs: number) {
    const shared = new SharedArrayBuffer(12);
    const worker = new Worker(WAIT_WORKER, { workerData: { module: DIST, event, timeoutMs, mode, shared } });
    const errors: unknown[] = [];
    worker.on('error', (e) => errors.push(e));
    const [msg] = await h.within(once(worker, 'message'), 20_000, 'the worker starting its wait');
    expect(msg).toEqual({ type: 'waiting' });
    return { worker, report: new Int32Array(shared), errors };
  }

  /** Busy JavaScript on this thread (no await, no Winsock call) until the worker reports or `ms` pass. */
  function spinUntilReported(report: Int32Array, ms: number): { reported: boolean; spunMs: number } {
    const started = Date.now();
    const deadline = started + ms;
    while (Atomics.load(report, 0) === 0 && Date.now() < deadline);
    return { reported: Atomics.load(report, 0) === 1, spunMs: Date.now() - started };
  }

  async function busyIssuerCase(mode: 'blocking' | 'async', spinMs: number): Promise<void> {
    const { client, server } = h.pair();
    const ev = h.event();
    const buf = Buffer.alloc(64);
    const ov = new ws.WSAOVERLAPPED();
    ov.hEvent = ev;
    h.expectPending(ws.WSARecv(server, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(), ov, null), 'WSARecv on the main thread');
    const { worker, report, errors } = await startWaiter(ev, mode, 5000);
    try {
      h.send(client, 'hello');
      // From here until the worker has reported, this thread runs nothing but this loop: it must not be needed for
      // the completion (on Windows the kernel completes the receive and sets the event meanwhile).
      const spin = spinUntilReported(report, spinMs);
      expect(spin.reported, `the worker's wait returned while the issuing thread was busy (spun ${spin.spunMs} ms)`).toBe(true);
      expect(Atomics.load(report, 1) >>> 0, `the worker's wait result (last error ${Atomics.load(report, 2)})`).toBe(ws.WSA_WAIT_EVENT_0);
      // Back in the event loop, the issuing thread reads the result.
      const [returned] = await h.within(once(worker, 'message'), 10_000, "the worker's report");
      expect(returned).toEqual({ type: 'returned', result: ws.WSA_WAIT_EVENT_0, lastError: expect.any(Number) });
      expect(ov.Internal).not.toBe(STATUS_PENDING);
      const bytes = new ws.DWORD();
      const flags = new ws.DWORD();
      expect(ws.WSAGetOverlappedResult(server, ov, bytes, false, flags), `WSAGetOverlappedResult: ${h.errName(ws.WSAGetLastError())}`).toBe(true);
      expect(bytes.value).toBe(5);
      expect(buf.subarray(0, bytes.value).toString()).toBe('hello');
      expect(errors).toEqual([]);
    } finally {
      await worker.terminate();
    }
  }

  it("a worker blocked in WSAWaitForMultipleEvents on the main thread's receive event wakes with WSA_WAIT_EVENT_0 while the main thread busy-spins, and WSAGetOverlappedResult then gives the bytes", async () => {
    await busyIssuerCase('blocking', 5000);
  });

  // An Async wait does not block its thread, so it cannot drive the engines the way a blocking wait does: while a
  // thread has async waiters and other threads have engines, it drains theirs every few milliseconds (the
  // engine's handover timer). Without that, the receive completed only once the main thread was back in its loop.
  it("a worker awaiting WSAWaitForMultipleEventsAsync on the main thread's receive event settles while the main thread busy-spins", async () => {
    await busyIssuerCase('async', 2000);
  });

  // The worker's wait completes the first receive while the main thread spins, and so starts the second, queued
  // behind it (on io_uring the worker submits it to the main thread's ring). The worker then exits: the receive is
  // still the main thread's and still pending for Windows, so it completes with the next bytes, not aborted.
  it('a receive the worker started for the main thread (the one queued behind the receive it completed) still completes after the worker exits', async () => {
    const { client, server } = h.pair();
    const posted = ['first', 'second'].map(() => {
      const buf = Buffer.alloc(64);
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      h.expectPending(ws.WSARecv(server, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(), ov, null), 'WSARecv on the main thread');
      return { buf, ov };
    });
    const [first, second] = posted as [(typeof posted)[0], (typeof posted)[0]];
    const { worker, report, errors } = await startWaiter(first.ov.hEvent, 'blocking', 5000);
    h.send(client, 'hello');
    const spin = spinUntilReported(report, 5000);
    expect(spin.reported, `the worker's wait returned while this thread was busy (spun ${spin.spunMs} ms)`).toBe(true);
    expect(Atomics.load(report, 1) >>> 0).toBe(ws.WSA_WAIT_EVENT_0);
    await worker.terminate();
    expect(errors).toEqual([]);
    expect(first.buf.subarray(0, first.ov.InternalHigh).toString()).toBe('hello');
    expect(second.ov.Internal, 'the second receive is still pending once the worker is gone').toBe(STATUS_PENDING);
    h.send(client, 'world');
    await h.waitEvent(second.ov.hEvent, 'the second receive');
    expect(second.ov.Internal, 'the second receive succeeded').toBe(0);
    expect(second.buf.subarray(0, second.ov.InternalHigh).toString()).toBe('world');
  });
});
