// Completion routines and alertable waits: when routines run, in which order, with what, and what the wait returns.

/** Records every routine call in order; `routine(tag)` makes a completion routine that appends to `calls`. */
function recorder() {
  /** @type {{ tag: string, dwError: number, cb: number, ov: object, flags: number }[]} */
  const calls = [];
  const routine = (/** @type {string} */ tag) =>
    (/** @type {number} */ dwError, /** @type {number} */ cb, /** @type {object} */ ov, /** @type {number} */ flags) => {
      calls.push({ tag, dwError, cb, ov, flags });
    };
  return { calls, routine };
}

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'routines.immediate-send-queues-routine',
    title: 'an immediately completed WSASend still queues its routine; it runs only in an alertable wait, which returns 192',
    source: 'MS doc: WSASend (completion routine remarks); wine sock.c test_WSASendMsg/completion routine checks',
    async run(ws, h) {
      const { client } = h.pair();
      const { calls, routine } = recorder();
      const ov = new ws.WSAOVERLAPPED();
      const sent = new ws.DWORD();
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('hello'))], 1, sent, 0, ov, routine('send')), 'WSASend');
      h.assert.equal(sent.value, 5);
      h.assert.equal(calls.length, 0, 'the routine never runs inside WSASend');
      await new Promise((resolve) => setImmediate(resolve));
      h.assert.equal(calls.length, 0, 'the routine never runs from the event loop by itself');
      h.assert.equal(await h.within(ws.SleepExAsync(h.timeoutMs, true), h.timeoutMs + 2000, 'SleepExAsync'), ws.WAIT_IO_COMPLETION);
      h.assert.equal(calls.length, 1);
      h.assert.deepEqual({ ...calls[0], ov: calls[0]?.ov === ov }, { tag: 'send', dwError: 0, cb: 5, ov: true, flags: 0 });
    },
  },
  {
    id: 'routines.fifo-and-192',
    title: 'one alertable wait runs every queued routine in FIFO order, then returns WAIT_IO_COMPLETION (192)',
    source: 'MS doc: SleepEx, "Asynchronous Procedure Calls"',
    async run(ws, h) {
      const { client } = h.pair();
      const { calls, routine } = recorder();
      const tags = ['a', 'b', 'c', 'd', 'e'];
      for (const tag of tags) {
        h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from(tag))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine(tag)), `WSASend ${tag}`);
      }
      // Immediate completions are queued by the issuing call itself, so all five are queued now.
      h.assert.equal(ws.SleepEx(0, true), ws.WAIT_IO_COMPLETION, 'SleepEx(0, true) with routines queued');
      h.assert.deepEqual(calls.map((c) => c.tag), tags, 'FIFO order, all in one wait');
      h.assert.equal(ws.SleepEx(0, true), 0, 'nothing left: SleepEx returns 0');
    },
  },
  {
    id: 'routines.non-alertable-never-runs',
    title: 'non-alertable waits (SleepEx false, WSAWaitForMultipleEvents false, their Async forms) never run a routine',
    source: 'MS doc: SleepEx (bAlertable FALSE)',
    async run(ws, h) {
      const { client } = h.pair();
      const { calls, routine } = recorder();
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('x'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('x')), 'WSASend');
      const ev = h.event();
      h.assert.equal(ws.SleepEx(20, false), 0, 'SleepEx(20, false)');
      h.assert.equal(await ws.SleepExAsync(20, false), 0, 'SleepExAsync(20, false)');
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 20, false), ws.WSA_WAIT_TIMEOUT);
      h.assert.equal(await ws.WSAWaitForMultipleEventsAsync(1, [ev], false, 20, false), ws.WSA_WAIT_TIMEOUT);
      ws.WSASetEvent(ev);
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_EVENT_0);
      h.assert.equal(calls.length, 0, 'no routine ran in a non-alertable wait');
      h.assert.equal(ws.SleepEx(0, true), ws.WAIT_IO_COMPLETION);
      h.assert.equal(calls.length, 1, 'it runs in the first alertable wait');
    },
  },
  {
    id: 'routines.sleepex-timeout-returns-0',
    title: 'SleepEx(ms, true) with nothing queued sleeps and returns 0',
    source: 'MS doc: SleepEx',
    async run(ws, h) {
      for (let i = 0; i < 100 && ws.SleepEx(0, true) === ws.WAIT_IO_COMPLETION; i++);
      const t = Date.now();
      h.assert.equal(ws.SleepEx(50, true), 0);
      h.assert.ok(Date.now() - t >= 40, `SleepEx(50) returned after ${Date.now() - t} ms`);
      h.assert.equal(await ws.SleepExAsync(10, true), 0);
    },
  },
  {
    id: 'routines.pending-recv-runs-in-blocking-alertable-wait',
    title: 'a pending WSARecv completing during a blocking SleepEx(ms, true) wakes it with 192 after running the routine',
    source: 'MS doc: WSARecv (completion routine)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const { calls, routine } = recorder();
      const buf = Buffer.alloc(16);
      const ov = h.pendingRecv(server, buf, 'WSARecv', { routine: routine('recv') });
      h.send(client, 'apc');
      h.assert.equal(ws.SleepEx(h.timeoutMs, true), ws.WAIT_IO_COMPLETION, 'blocking alertable SleepEx');
      h.assert.equal(calls.length, 1);
      h.assert.equal(calls[0]?.dwError, 0);
      h.assert.equal(calls[0]?.cb, 3);
      h.assert.equal(calls[0]?.ov, ov);
      h.assert.equal(buf.subarray(0, 3).toString(), 'apc');
      h.assert.equal(ov.Internal, 0);
      h.assert.equal(ov.InternalHigh, 3);
    },
  },
  {
    id: 'routines.alertable-event-wait-returns-192',
    title: 'an alertable WSAWaitForMultipleEvents (blocking and Async) runs queued routines and returns WSA_WAIT_IO_COMPLETION',
    source: 'MS doc: WSAWaitForMultipleEvents (fAlertable)',
    async run(ws, h) {
      const { client } = h.pair();
      const { calls, routine } = recorder();
      const ev = h.event();
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('1'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('1')), 'WSASend 1');
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, h.timeoutMs, true), ws.WSA_WAIT_IO_COMPLETION, 'blocking alertable wait');
      h.assert.deepEqual(calls.map((c) => c.tag), ['1']);
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('2'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('2')), 'WSASend 2');
      const r = await h.within(ws.WSAWaitForMultipleEventsAsync(1, [ev], false, h.timeoutMs, true), h.timeoutMs + 2000, 'async alertable wait');
      h.assert.equal(r, ws.WSA_WAIT_IO_COMPLETION, 'Async alertable wait');
      h.assert.deepEqual(calls.map((c) => c.tag), ['1', '2']);
    },
  },
  {
    id: 'routines.routines-win-over-signalled-event',
    title: 'an alertable wait with routines queued runs them and returns 192 even though an awaited event is signalled',
    source: 'winsock-semantics.md (completion routines)',
    async run(ws, h) {
      const { client } = h.pair();
      const { calls, routine } = recorder();
      const ev = h.event();
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('r'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('r')), 'WSASend');
      h.assert.equal(ws.WSASetEvent(ev), true);
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, h.timeoutMs, true), ws.WSA_WAIT_IO_COMPLETION);
      h.assert.equal(calls.length, 1);
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, true), ws.WSA_WAIT_EVENT_0, 'then the signalled event is reported');
    },
  },
  {
    id: 'routines.subclass-identity',
    title: 'the routine receives the very WSAOVERLAPPED object passed in, subclass and own fields included',
    source: 'architecture.md (class Session extends WSAOVERLAPPED)',
    async run(ws, h) {
      class Session extends ws.WSAOVERLAPPED {
        name = 'session-7';
        /** @type {number[]} */
        seen = [];
      }
      const { client, server } = h.pair();
      const session = new Session();
      /** @type {unknown} */
      let got = null;
      h.pendingRecv(server, Buffer.alloc(8), 'WSARecv', {
        ov: session,
        routine: (err, cb, ov) => {
          got = ov;
          /** @type {Session} */ (ov).seen.push(err, cb);
        },
      });
      h.send(client, 'id');
      await h.alertUntil(() => got !== null, 'the routine of the subclassed overlapped');
      h.assert.equal(got, session);
      h.assert.ok(got instanceof Session);
      h.assert.equal(session.name, 'session-7');
      h.assert.deepEqual(session.seen, [0, 2]);
    },
  },
  {
    id: 'routines.hevent-ignored',
    title: 'with a completion routine, hEvent is ignored: the event is neither set nor reset',
    source: 'MS doc: WSARecv ("hEvent ... is ignored when lpCompletionRoutine is not NULL")',
    async run(ws, h) {
      const { client, server } = h.pair();
      const { calls, routine } = recorder();
      const unsignalled = h.event();
      const ov = h.pendingRecv(server, Buffer.alloc(8), 'WSARecv', { event: unsignalled, routine: routine('r') });
      h.send(client, 'ev');
      await h.alertUntil(() => calls.length === 1, 'the routine');
      h.assert.equal(h.isSignalled(unsignalled), false, 'completion did not set hEvent');
      h.assert.equal(ov.hEvent, unsignalled, 'hEvent kept as the application set it');

      const signalled = h.event();
      ws.WSASetEvent(signalled);
      h.pendingRecv(server, Buffer.alloc(8), 'WSARecv 2', { event: signalled, routine: routine('r2') });
      h.assert.equal(h.isSignalled(signalled), true, 'starting the operation did not reset hEvent');
    },
  },
  {
    id: 'routines.error-on-reset',
    title: 'a pending receive whose peer resets completes its routine with dwError WSAECONNRESET',
    source: 'wine ws2_32 socket.c (routine gets NtStatusToWSAError); winsock-semantics.md',
    async run(ws, h) {
      const { client, server } = h.pair();
      const { calls, routine } = recorder();
      h.pendingRecv(server, Buffer.alloc(8), 'WSARecv', { routine: routine('r') });
      h.abortiveClose(client);
      await h.alertUntil(() => calls.length > 0, 'the routine of the reset receive');
      h.assert.equal(calls.length, 1);
      h.assert.equal(calls[0]?.dwError, ws.WSAECONNRESET, `dwError ${h.errName(calls[0]?.dwError ?? -1)}`);
      h.assert.equal(calls[0]?.cb, 0);
    },
  },
];
