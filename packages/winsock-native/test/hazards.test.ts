// Hazards of the delivery and start paths, each pinned where it used to go wrong: a wait callback that throws in
// the middle of a delivery batch, a buffer-marking hook that throws while an operation starts, and a JavaScript
// loop spinning on HasOverlappedIoCompleted (Internal) on the thread that issued the operation.
import { describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { runChild } from './helpers/child.js';
import { NATIVE_PREAMBLE } from './helpers/native.js';
import { useWinsockHarness } from './helpers/winsock-suite.js';

const h = useWinsockHarness();

const STATUS_PENDING = 0x103;

/** Runs `script` after NATIVE_PREAMBLE; expects a normal exit and returns the JSON of its last stdout line. */
async function childOutcome(script: string): Promise<Record<string, unknown>> {
  const result = await runChild(`${NATIVE_PREAMBLE}\n${script}`).exited;
  expect({ code: result.code, signal: result.signal }, `stderr: ${result.stderr}\nstdout: ${result.lines.join('\n')}`).toEqual({ code: 0, signal: null });
  const last = result.lines.at(-1) ?? '';
  expect(last, `stdout: ${result.lines.join(' | ')}`).toMatch(/^\{/);
  return JSON.parse(last) as Record<string, unknown>;
}

describe('a wait callback that throws inside the settle loop', () => {
  // The settle callback of an Async wait is the library's own and cannot throw by itself; it calls clearTimeout
  // on the wait's timer first, so a clearTimeout that throws for one of these timers makes it throw, inside the
  // loop that settles a delivery batch (native in ab433f6, lib/completions.ts's deliver() since 0e90217). The
  // script checks that the throw really happened there.
  it('two async waits settled by one WSASetEvent, the first settle callback throws: the second wait still settles, the error surfaces as uncaughtException', async () => {
    const outcome = await childOutcome(`
const ev = ws.WSACreateEvent();
const later = ws.WSACreateEvent();
const settled = [];
const uncaught = [];
process.on('uncaughtException', (error) => {
  uncaught.push(error.message);
  ws.WSASetEvent(later); // settles the third wait from a later delivery than the one that threw
});
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const timers = [];
globalThis.setTimeout = (...args) => { const timer = realSetTimeout(...args); timers.push(timer); return timer; };
const waits = ['a', 'b'].map((tag) => ws.WSAWaitForMultipleEventsAsync(1, [ev], false, 5000, false).then((r) => settled.push(tag + ':' + r)));
globalThis.setTimeout = realSetTimeout;
if (timers.length !== 2) throw new Error('expected one timer per wait, got ' + timers.length);
const afterBatch = ws.WSAWaitForMultipleEventsAsync(1, [later], false, 5000, false);
let throws = 0;
globalThis.clearTimeout = (timer) => {
  if (timers.includes(timer) && throws++ === 0) throw new Error('thrown by a settle callback');
  return realClearTimeout(timer);
};
ws.WSASetEvent(ev); // one delivery settles both waits
const laterResult = await afterBatch;
globalThis.clearTimeout = realClearTimeout;
await new Promise((resolve) => setImmediate(resolve)); // the settled wait's reaction has run
console.log(JSON.stringify({ throws: Math.min(throws, 2), settled, uncaught, laterResult }));
process.exit(0); // the wait whose callback threw keeps its 5 s timer
`);
    // One comparison, so that a failure shows the whole outcome.
    expect({ ...outcome, settled: (outcome.settled as string[]).map((s) => s.split(':')[1]) }).toEqual({
      throws: 2, // the first settle callback threw, the second one ran (and called clearTimeout too)
      settled: ['0'], // the wait whose callback did not throw resolved with WSA_WAIT_EVENT_0
      uncaught: ['thrown by a settle callback'], // the error surfaced as an uncaught exception
      laterResult: ws.WSA_WAIT_EVENT_0, // and later deliveries still work
    });
  });
});

describe('marking a buffer untransferable fails while an overlapped WSARecv starts', () => {
  // The configure() hook marks the buffers of the general WSARecv (two WSABUFs here); the library's one-WSABUF
  // fast path (0e90217) marks with node:worker_threads' function in JS, before any native call.
  it('the WSARecv throws and leaves nothing queued: the next WSARecv gets the data and only its routine runs', async () => {
    const outcome = await childOutcome(`
const shown = (b) => b.toString('latin1').replace(/\\0/g, '.'); // NUL bytes (never written) as dots
const { client, server } = pair();
const calls = [];
const first = [Buffer.alloc(8), Buffer.alloc(8)];
const second = Buffer.alloc(16);
const ov1 = new ws.WSAOVERLAPPED();
const ov2 = new ws.WSAOVERLAPPED();
native.configure({ ...libHooks, markAsUntransferable: () => { throw new Error('mark failed'); } });
let thrown = null;
try {
  const r = ws.WSARecv(server, first.map((b) => new ws.WSABUF(b)), 2, null, new ws.DWORD(), ov1, (e, n) => calls.push('first:' + e + ':' + n));
  thrown = 'returned ' + r + ' (last error ' + ws.WSAGetLastError() + ')';
} catch (error) {
  thrown = error.message;
}
native.configure(libHooks); // node:worker_threads' markAsUntransferable again
const firstInternal = ov1.Internal;
ws.send(client, Buffer.from('data'), 4, 0);
const r = ws.WSARecv(server, [new ws.WSABUF(second)], 1, null, new ws.DWORD(), ov2, (e, n) => calls.push('second:' + e + ':' + n));
const started = r === 0 ? 0 : ws.WSAGetLastError();
const deadline = Date.now() + 5000;
while (calls.length === 0 && Date.now() < deadline) await ws.SleepExAsync(deadline - Date.now(), true);
for (let i = 0; i < 10 && ws.SleepEx(0, true) === ws.WAIT_IO_COMPLETION; i++); // anything else queued runs now
console.log(JSON.stringify({ thrown, firstInternal, started, calls, first: first.map(shown).join(''), second: shown(second.subarray(0, 4)) }));
`);
    // One comparison, so that a failure shows the whole outcome.
    expect({ ...outcome, firstInternal: `0x${(outcome.firstInternal as number).toString(16)}` }).toEqual({
      thrown: 'mark failed', // the hook failure propagates out of WSARecv
      firstInternal: '0x0', // and the failed start left its OVERLAPPED as it was (not STATUS_PENDING)
      started: expect.toSatisfy((v: unknown) => v === 0 || v === ws.WSA_IO_PENDING),
      calls: ['second:0:4'], // only the second routine runs, with the 4 bytes
      second: 'data',
      first: '.'.repeat(16), // the first buffers were never written
    });
  });
});

describe('HasOverlappedIoCompleted progress on the issuing thread', () => {
  /** Synchronous JavaScript reading ov.Internal until it leaves STATUS_PENDING or `ms` pass; no await, no wait. */
  function spinWhilePending(ov: ws.WSAOVERLAPPED, ms: number): { internal: number; spunMs: number } {
    const started = Date.now();
    const deadline = started + ms;
    let internal = ov.Internal;
    while (internal === STATUS_PENDING && Date.now() < deadline) internal = ov.Internal;
    return { internal, spunMs: Date.now() - started };
  }

  const kinds = ['an event', 'no event and no routine', 'a completion routine'] as const;
  for (const kind of kinds) {
    it(`a pending WSARecv with ${kind}: spinning on Internal === STATUS_PENDING ends with Internal 0 and InternalHigh = the bytes sent`, async () => {
      const { client, server } = h.pair();
      const buf = Buffer.alloc(64);
      const ov = new ws.WSAOVERLAPPED();
      const routineCalls: number[][] = [];
      let routine: ws.LPWSAOVERLAPPED_COMPLETION_ROUTINE | null = null;
      if (kind === 'an event') ov.hEvent = h.event();
      if (kind === 'a completion routine') routine = (error, bytes) => routineCalls.push([error, bytes]);
      h.expectPending(ws.WSARecv(server, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(), ov, routine), 'WSARecv');
      expect(ov.Internal).toBe(STATUS_PENDING);
      h.send(client, 'spin-me');
      const spin = spinWhilePending(ov, 5000);
      expect(spin.internal, `Internal after spinning ${spin.spunMs} ms`).toBe(0);
      expect(ov.InternalHigh).toBe(7);
      expect(buf.subarray(0, 7).toString()).toBe('spin-me');
      if (kind === 'an event') expect(h.isSignalled(ov.hEvent), 'the event is set with the completion').toBe(true);
      if (kind === 'a completion routine') {
        expect(routineCalls, 'the routine waits for an alertable wait').toEqual([]);
        expect(ws.SleepEx(0, true)).toBe(ws.WAIT_IO_COMPLETION);
        expect(routineCalls).toEqual([[0, 7]]);
      }
    });
  }

  it('16 pending WSARecvs scanned in a loop, the peer sends on the last: its Internal completes while the others stay pending', () => {
    const pairs = Array.from({ length: 16 }, () => h.pair());
    const ovs = pairs.map((p) => {
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      h.expectPending(ws.WSARecv(p.server, [new ws.WSABUF(Buffer.alloc(16))], 1, new ws.DWORD(), new ws.DWORD(), ov, null), 'WSARecv');
      return ov;
    });
    h.send(pairs.at(-1)!.client, 'last');
    const deadline = Date.now() + 5000;
    let done = -1;
    while (done < 0 && Date.now() < deadline) done = ovs.findIndex((ov) => ov.Internal !== STATUS_PENDING);
    expect(done, 'the first operation seen complete').toBe(15);
    expect(ovs.at(-1)!.InternalHigh).toBe(4);
    expect(ovs.slice(0, -1).every((ov) => ov.Internal === STATUS_PENDING)).toBe(true);
  });
});
