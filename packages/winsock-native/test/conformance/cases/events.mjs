// Event objects and WSAWaitForMultipleEvents (blocking and Async forms).

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'events.manual-reset',
    title: 'WSACreateEvent makes a manual-reset event, initially not signalled; Set/Reset/Close return true',
    source: 'MS doc: WSACreateEvent',
    async run(ws, h) {
      const ev = h.event();
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_TIMEOUT, 'initially not signalled');
      h.assert.equal(ws.WSASetEvent(ev), true);
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_EVENT_0);
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_EVENT_0, 'a satisfied wait leaves a manual-reset event signalled');
      h.assert.equal(ws.WSAResetEvent(ev), true);
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_TIMEOUT, 'reset');
      h.assert.equal(h.closeEvent(ev), true, 'WSACloseEvent');
    },
  },
  {
    id: 'events.wait-any-lowest-index',
    title: 'wait-any returns WSA_WAIT_EVENT_0 + the lowest signalled index and leaves the events signalled',
    source: 'MS doc: WSAWaitForMultipleEvents',
    async run(ws, h) {
      const evs = [h.event(), h.event(), h.event(), h.event()];
      ws.WSASetEvent(evs[3] ?? 0);
      ws.WSASetEvent(evs[1] ?? 0);
      h.assert.equal(ws.WSAWaitForMultipleEvents(4, evs, false, 0, false), ws.WSA_WAIT_EVENT_0 + 1);
      h.assert.equal(ws.WSAWaitForMultipleEvents(4, evs, false, 1000, false), ws.WSA_WAIT_EVENT_0 + 1, 'again: still signalled');
      h.assert.equal(await ws.WSAWaitForMultipleEventsAsync(4, evs, false, 1000, false), ws.WSA_WAIT_EVENT_0 + 1, 'Async form');
      ws.WSAResetEvent(evs[1] ?? 0);
      h.assert.equal(ws.WSAWaitForMultipleEvents(4, evs, false, 0, false), ws.WSA_WAIT_EVENT_0 + 3);
    },
  },
  {
    id: 'events.wait-all',
    title: 'wait-all returns only once every event is signalled',
    source: 'MS doc: WSAWaitForMultipleEvents (fWaitAll)',
    async run(ws, h) {
      const a = h.event();
      const b = h.event();
      ws.WSASetEvent(a);
      h.assert.equal(ws.WSAWaitForMultipleEvents(2, [a, b], true, 0, false), ws.WSA_WAIT_TIMEOUT, 'one of two signalled');
      let settled = false;
      const pending = ws.WSAWaitForMultipleEventsAsync(2, [a, b], true, h.timeoutMs, false).then((r) => {
        settled = true;
        return r;
      });
      await new Promise((resolve) => setImmediate(resolve));
      h.assert.equal(settled, false, 'the async wait-all is still pending with one event unsignalled');
      ws.WSASetEvent(b);
      h.assert.equal(await h.within(pending, h.timeoutMs + 2000, 'async wait-all'), ws.WSA_WAIT_EVENT_0);
      h.assert.equal(ws.WSAWaitForMultipleEvents(2, [a, b], true, 0, false), ws.WSA_WAIT_EVENT_0, 'blocking form');
    },
  },
  {
    id: 'events.timeout',
    title: 'a wait on an unsignalled event returns WSA_WAIT_TIMEOUT after about the timeout; timeout 0 polls at once',
    source: 'MS doc: WSAWaitForMultipleEvents',
    async run(ws, h) {
      const ev = h.event();
      let t = Date.now();
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_TIMEOUT, 'poll');
      h.assert.ok(Date.now() - t < 200, `a timeout-0 poll took ${Date.now() - t} ms`);
      t = Date.now();
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 100, false), ws.WSA_WAIT_TIMEOUT, 'blocking 100 ms');
      const blocked = Date.now() - t;
      h.assert.ok(blocked >= 80 && blocked < 2000, `blocking wait lasted ${blocked} ms for a 100 ms timeout`);
      t = Date.now();
      h.assert.equal(await ws.WSAWaitForMultipleEventsAsync(1, [ev], false, 100, false), ws.WSA_WAIT_TIMEOUT, 'async 100 ms');
      const waited = Date.now() - t;
      h.assert.ok(waited >= 80 && waited < 2000, `async wait lasted ${waited} ms for a 100 ms timeout`);
    },
  },
  {
    id: 'events.count-invalid',
    title: 'cEvents 0 or 65 -> WSA_WAIT_FAILED with last error WSA_INVALID_PARAMETER (87)',
    source: 'MS doc: WSAWaitForMultipleEvents; wine kernel32 sync.c test_WaitForMultipleObjects',
    async run(ws, h) {
      ws.WSASetLastError(0);
      h.expectError(ws.WSAWaitForMultipleEvents(0, [], false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_PARAMETER, 'cEvents 0');
      const many = Array.from({ length: 65 }, () => h.event());
      ws.WSASetEvent(many[0] ?? 0);
      ws.WSASetLastError(0);
      h.expectError(ws.WSAWaitForMultipleEvents(65, many, false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_PARAMETER, 'cEvents 65');
    },
  },
  {
    id: 'events.async-count-invalid',
    title: 'the Async form also resolves WSA_WAIT_FAILED with last error 87 for cEvents 0 and 65',
    source: 'CONTRACT.md section 1 (Async forms mirror the blocking ones)',
    async run(ws, h) {
      ws.WSASetLastError(0);
      h.expectError(await ws.WSAWaitForMultipleEventsAsync(0, [], false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_PARAMETER, 'Async cEvents 0');
      const many = Array.from({ length: 65 }, () => h.event());
      ws.WSASetLastError(0);
      h.expectError(await ws.WSAWaitForMultipleEventsAsync(65, many, false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_PARAMETER, 'Async cEvents 65');
    },
  },
  {
    id: 'events.sixty-four',
    title: 'exactly WSA_MAXIMUM_WAIT_EVENTS (64) events is allowed; the 64th is reported as index 63',
    source: 'MS doc: WSAWaitForMultipleEvents',
    async run(ws, h) {
      const evs = Array.from({ length: 64 }, () => h.event());
      h.assert.equal(ws.WSAWaitForMultipleEvents(64, evs, false, 0, false), ws.WSA_WAIT_TIMEOUT);
      ws.WSASetEvent(evs[63] ?? 0);
      h.assert.equal(ws.WSAWaitForMultipleEvents(64, evs, false, 0, false), ws.WSA_WAIT_EVENT_0 + 63);
      h.assert.equal(await ws.WSAWaitForMultipleEventsAsync(64, evs, false, 0, false), ws.WSA_WAIT_EVENT_0 + 63);
    },
  },
  {
    id: 'events.closed-handle',
    title: 'a closed event fails with WSA_INVALID_HANDLE (6) in Set, Reset, Close and waits',
    source: 'MS doc: WSACloseEvent; winsock-semantics.md',
    async run(ws, h) {
      const ev = h.event();
      h.assert.equal(h.closeEvent(ev), true);
      h.expectError(ws.WSASetEvent(ev), false, ws.WSA_INVALID_HANDLE, 'WSASetEvent(closed)');
      h.expectError(ws.WSAResetEvent(ev), false, ws.WSA_INVALID_HANDLE, 'WSAResetEvent(closed)');
      h.expectError(ws.WSACloseEvent(ev), false, ws.WSA_INVALID_HANDLE, 'WSACloseEvent(closed)');
      h.expectError(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_HANDLE, 'wait on a closed event');
      h.expectError(await ws.WSAWaitForMultipleEventsAsync(1, [ev], false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_HANDLE, 'async wait on a closed event');
    },
  },
  {
    id: 'events.async-wait-woken-by-completion',
    title: 'an Async wait (INFINITE) wakes when an overlapped receive completes and sets the event',
    source: 'the lecture\'s event loop',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ov = h.pendingRecv(server, Buffer.alloc(8));
      const ev = ov.hEvent;
      const wait = ws.WSAWaitForMultipleEventsAsync(1, [ev], true, ws.WSA_INFINITE, false);
      h.send(client, 'wake');
      h.assert.equal(await h.within(wait, h.timeoutMs, 'WSAWaitForMultipleEventsAsync(INFINITE)'), ws.WSA_WAIT_EVENT_0);
      h.assert.equal(ov.InternalHigh, 4);
    },
  },
];
