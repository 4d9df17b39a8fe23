// WSAEventSelect's re-enabling rules: each network event is recorded once, then held back until the call that
// re-enables it (recv for FD_READ, accept for FD_ACCEPT, a send that failed with WSAEWOULDBLOCK for FD_WRITE).
// Selecting again, with or without WSAEventSelect(s, ev, 0) in between, re-enables nothing.
// Evidence: wine dlls/ws2_32/tests/sock.c test_events (event mode), which passes on Windows.

const ALL = /** @type {(ws: import('../harness.mjs').WinsockApi) => number} */ (ws) =>
  ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ | ws.FD_WRITE;

/** How long a "nothing more" check waits for a late event. */
const QUIET_MS = 150;

/**
 * Waits for `expected` network events on `s` (or, with 0, checks that none comes within QUIET_MS), then
 * enumerates (which resets the event) and compares the whole set.
 * @param {import('../harness.mjs').WinsockApi} ws
 * @param {import('../harness.mjs').Harness} h
 */
async function expectEvents(ws, h, /** @type {number} */ s, /** @type {number} */ ev, /** @type {number} */ expected, /** @type {string} */ what) {
  if (expected !== 0) {
    await h.waitEvent(ev, what);
  } else {
    const r = ws.WSAWaitForMultipleEvents(1, [ev], false, QUIET_MS, false);
    h.assert.equal(r, ws.WSA_WAIT_TIMEOUT, `${what}: expected no network event, the event was signalled`);
  }
  const ne = h.enumNetworkEvents(s, ev, `WSAEnumNetworkEvents (${what})`);
  h.assert.equal(ne.lNetworkEvents, expected, `${what}: lNetworkEvents ${ne.lNetworkEvents}, expected ${expected}`);
  return ne;
}

/**
 * Selects `mask` again twice: directly, then after WSAEventSelect(s, ev, 0); neither may record anything.
 * @param {import('../harness.mjs').WinsockApi} ws
 * @param {import('../harness.mjs').Harness} h
 */
async function expectNothingOnReselect(ws, h, /** @type {number} */ s, /** @type {number} */ ev, /** @type {number} */ mask, /** @type {string} */ what) {
  h.expectOk(ws.WSAEventSelect(s, ev, mask), `WSAEventSelect again (${what})`);
  await expectEvents(ws, h, s, ev, 0, `re-select after ${what} was reported`);
  h.expectOk(ws.WSAEventSelect(s, ev, 0), 'WSAEventSelect(0)');
  h.expectOk(ws.WSAEventSelect(s, ev, mask), `WSAEventSelect after WSAEventSelect(0) (${what})`);
  await expectEvents(ws, h, s, ev, 0, `WSAEventSelect(0) then re-select after ${what} was reported`);
}

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'event-select.connect-write-reselect',
    title: 'after FD_CONNECT and FD_WRITE of a non-blocking connect were reported, selecting again reports neither',
    source: 'wine sock.c test_connect_events (first block: select all, connect -> FD_CONNECT + FD_WRITE; select 0, select all -> nothing); test_WSAEnumNetworkEvents (FD_READ|FD_WRITE selected five times on a connected socket: FD_WRITE the first time only)',
    async run(ws, h) {
      const { port } = h.listener();
      const client = h.socket();
      const ev = h.eventSelect(client, ALL(ws), 'WSAEventSelect before connect');
      await expectEvents(ws, h, client, ev, 0, 'before connect');
      const ret = ws.connect(client, h.loopback(port), 16);
      if (ret !== 0) h.expectError(ret, ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'non-blocking connect');
      // Loopback: both may be recorded before the first wait, or FD_CONNECT first and FD_WRITE right after.
      let seen = 0;
      for (let i = 0; i < 2 && seen !== (ws.FD_CONNECT | ws.FD_WRITE); i++) {
        const ne = await h.waitNetworkEvents(client, ev, 'FD_CONNECT | FD_WRITE');
        h.assert.equal(ne.lNetworkEvents & ~(ws.FD_CONNECT | ws.FD_WRITE), 0, `lNetworkEvents ${ne.lNetworkEvents}`);
        seen |= ne.lNetworkEvents;
      }
      h.assert.equal(seen, ws.FD_CONNECT | ws.FD_WRITE, `events after connect ${seen}`);
      await expectEvents(ws, h, client, ev, 0, 'after FD_CONNECT + FD_WRITE');
      await expectNothingOnReselect(ws, h, client, ev, ALL(ws), 'FD_CONNECT + FD_WRITE');
    },
  },
  {
    id: 'event-select.write-reselect',
    title: 'FD_WRITE is recorded once per connection: neither selecting again nor a successful send records it again',
    source: 'wine sock.c test_write_events (select -> FD_WRITE; select again, and select 0 then again -> nothing; send 5 bytes -> nothing; a send does not clear a recorded FD_WRITE)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ev = h.eventSelect(server, ALL(ws), 'WSAEventSelect');
      await expectEvents(ws, h, server, ev, ws.FD_WRITE, 'FD_WRITE at select');
      await expectNothingOnReselect(ws, h, server, ev, ALL(ws), 'FD_WRITE');
      h.send(server, 'data\0');
      await expectEvents(ws, h, server, ev, 0, 'after a send that did not block');
      h.assert.equal((await h.recv(client, 64)).length, 5, 'the peer receives the 5 bytes');
      await expectEvents(ws, h, server, ev, 0, 'after the peer received');

      // A send before the recorded FD_WRITE was enumerated does not take it back.
      const other = h.pair();
      const ev2 = h.eventSelect(other.server, ws.FD_ACCEPT | ws.FD_CONNECT | ws.FD_READ | ws.FD_WRITE, 'WSAEventSelect');
      h.send(other.server, 'data\0');
      await expectEvents(ws, h, other.server, ev2, ws.FD_WRITE, 'FD_WRITE recorded before the send');
    },
  },
  {
    id: 'event-select.write-after-wouldblock',
    title: 'a send that fails with WSAEWOULDBLOCK re-enables FD_WRITE: recorded once there is room again, then not on re-select',
    source: 'wine sock.c test_write_events (send until WSAEWOULDBLOCK, drain the peer -> FD_WRITE once; select 0, select again -> nothing); MS doc: WSAEventSelect (FD_WRITE re-enabling function: send after WSAEWOULDBLOCK)',
    async run(ws, h) {
      const { client, server } = h.pair();
      h.expectOk(ws.ioctlsocket(client, ws.FIONBIO, new ws.DWORD(1)), 'ioctlsocket(client, FIONBIO)');
      const ev = h.eventSelect(server, ALL(ws), 'WSAEventSelect');
      await expectEvents(ws, h, server, ev, ws.FD_WRITE, 'FD_WRITE at select');
      const big = Buffer.alloc(1024 * 1024);
      let sends = 0;
      for (;;) {
        const n = ws.send(server, big, big.length, 0);
        if (n === ws.SOCKET_ERROR) break;
        h.assert.ok(++sends < 1000, 'the send buffer never filled');
      }
      h.assert.equal(ws.WSAGetLastError(), ws.WSAEWOULDBLOCK, `the filling send failed with ${h.errName(ws.WSAGetLastError())}`);
      await expectEvents(ws, h, server, ev, 0, 'while the send buffer is full');
      // Drain the peer until the sender has room (Windows signals within one drain; Linux may take a few).
      const deadline = Date.now() + h.timeoutMs;
      while (!h.isSignalled(ev)) {
        h.assert.ok(Date.now() < deadline, 'FD_WRITE never came while the peer drained');
        while (ws.recv(client, big, big.length, 0) > 0);
        h.assert.equal(ws.WSAGetLastError(), ws.WSAEWOULDBLOCK, `draining recv: ${h.errName(ws.WSAGetLastError())}`);
        ws.WSAWaitForMultipleEvents(1, [ev], false, 20, false);
      }
      await expectEvents(ws, h, server, ev, ws.FD_WRITE, 'FD_WRITE once there is room');
      while (ws.recv(client, big, big.length, 0) > 0);
      await expectEvents(ws, h, server, ev, 0, 'FD_WRITE only once');
      await expectNothingOnReselect(ws, h, server, ev, ALL(ws), 'FD_WRITE');
    },
  },
  {
    id: 'event-select.read-reselect',
    title: 'FD_READ is not recorded again by selecting again; a receive re-enables it while data remains (plain and overlapped)',
    source: 'wine sock.c test_read_events (send -> FD_READ; select again, select 0 then again -> nothing; recv of part -> FD_READ; overlapped 1-byte receives: FD_READ after each but the last; data sent while not selecting -> FD_READ at select, but not if it was received before)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const mask = ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ;
      const ev = h.eventSelect(server, mask, 'WSAEventSelect');
      await expectEvents(ws, h, server, ev, 0, 'nothing before data');
      h.send(client, 'data\0');
      await expectEvents(ws, h, server, ev, ws.FD_READ, 'FD_READ for data');
      await expectEvents(ws, h, server, ev, 0, 'FD_READ only once');
      await expectNothingOnReselect(ws, h, server, ev, mask, 'FD_READ');

      const buf = Buffer.alloc(8);
      h.assert.equal(ws.recv(server, buf, 2, 0), 2, 'recv 2 of 5 bytes');
      await expectEvents(ws, h, server, ev, ws.FD_READ, 'FD_READ after a recv that left data');
      await expectEvents(ws, h, server, ev, 0, 'FD_READ only once after the recv');
      for (let i = 0; i < 3; i++) {
        h.assert.equal((await h.recv(server, 1)).length, 1, `overlapped 1-byte receive ${i}`);
        await expectEvents(ws, h, server, ev, i < 2 ? ws.FD_READ : 0, `after overlapped receive ${i} (${2 - i} bytes left)`);
      }

      // Data that arrived while nothing was selected is reported by the next selection...
      h.expectOk(ws.WSAEventSelect(server, ev, 0), 'WSAEventSelect(0)');
      h.send(client, 'data\0');
      await expectEvents(ws, h, server, ev, 0, 'nothing while not selecting');
      h.expectOk(ws.WSAEventSelect(server, ev, mask), 'WSAEventSelect with data waiting');
      await expectEvents(ws, h, server, ev, ws.FD_READ, 'FD_READ at select for waiting data');
      h.assert.equal(ws.recv(server, buf, 5, 0), 5, 'recv the 5 bytes');
      // ...unless it was received before selecting.
      h.expectOk(ws.WSAEventSelect(server, ev, 0), 'WSAEventSelect(0)');
      h.send(client, 'data\0');
      h.assert.equal((await h.recv(server, 5)).length, 5, 'overlapped receive while not selecting');
      h.expectOk(ws.WSAEventSelect(server, ev, ws.FD_ACCEPT | ws.FD_CONNECT | ws.FD_READ), 'WSAEventSelect after the data was received');
      await expectEvents(ws, h, server, ev, 0, 'no FD_READ for data already received');
    },
  },
  {
    id: 'event-select.read-new-data',
    title: 'in event mode, new data arriving records FD_READ again even without a receive in between',
    source: 'wine sock.c test_read_events (FD_READ reported and not re-enabled, the peer sends again -> FD_READ in event mode: check_events_todo, i.e. Windows records it and Wine does not)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const mask = ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ;
      const ev = h.eventSelect(server, mask, 'WSAEventSelect');
      h.send(client, 'data\0');
      await expectEvents(ws, h, server, ev, ws.FD_READ, 'FD_READ for data');
      await expectEvents(ws, h, server, ev, 0, 'FD_READ only once');
      h.send(client, 'data\0');
      await expectEvents(ws, h, server, ev, ws.FD_READ, 'FD_READ for more data');
      await expectEvents(ws, h, server, ev, 0, 'FD_READ once for the new data');
    },
  },
  {
    id: 'event-select.accept-reselect',
    title: 'FD_ACCEPT is not recorded again by selecting again; accept() re-enables it while connections remain queued',
    source: 'wine sock.c test_accept_events (connect -> FD_ACCEPT; select again, select 0 then again -> nothing; accept with a second connection queued -> FD_ACCEPT; accept of the last one -> nothing; accept() before selecting -> nothing at select)',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      const mask = ws.FD_CONNECT | ws.FD_READ | ws.FD_ACCEPT;
      const ev = h.eventSelect(listener, mask, 'WSAEventSelect(listener)');
      await expectEvents(ws, h, listener, ev, 0, 'nothing before a client');
      const c1 = h.socket();
      h.expectOk(ws.connect(c1, h.loopback(port), 16), 'connect 1');
      await expectEvents(ws, h, listener, ev, ws.FD_ACCEPT, 'FD_ACCEPT');
      await expectNothingOnReselect(ws, h, listener, ev, mask, 'FD_ACCEPT');

      const c2 = h.socket();
      h.expectOk(ws.connect(c2, h.loopback(port), 16), 'connect 2');
      // (Windows records FD_ACCEPT for this second connection too: see event-select.accept-new-connection.)
      await h.within(new Promise((resolve) => setTimeout(resolve, QUIET_MS)), QUIET_MS + 1000, 'pause');
      h.expectOk(ws.WSAEnumNetworkEvents(listener, ev, new ws.WSANETWORKEVENTS()), 'WSAEnumNetworkEvents (clear)');
      h.accept(listener);
      await expectEvents(ws, h, listener, ev, ws.FD_ACCEPT, 'FD_ACCEPT after accept() with one more queued');
      await expectEvents(ws, h, listener, ev, 0, 'FD_ACCEPT only once');
      h.accept(listener);
      await expectEvents(ws, h, listener, ev, 0, 'nothing after accepting the last one');

      // accept() before the selection that includes FD_ACCEPT: nothing left to report.
      h.expectOk(ws.WSAEventSelect(listener, ev, ws.FD_CONNECT | ws.FD_READ), 'WSAEventSelect without FD_ACCEPT');
      const c3 = h.socket();
      h.expectOk(ws.connect(c3, h.loopback(port), 16), 'connect 3');
      h.accept(listener);
      h.expectOk(ws.WSAEventSelect(listener, ev, mask), 'WSAEventSelect with FD_ACCEPT');
      await expectEvents(ws, h, listener, ev, 0, 'nothing at select after the accept');
    },
  },
  {
    id: 'event-select.accept-new-connection',
    title: 'in event mode, a new connection arriving records FD_ACCEPT again even without an accept() in between',
    source: 'wine sock.c test_accept_events (FD_ACCEPT reported and not re-enabled, a second client connects -> FD_ACCEPT in event mode: check_events_todo, i.e. Windows records it and Wine does not)',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      const ev = h.eventSelect(listener, ws.FD_CONNECT | ws.FD_READ | ws.FD_ACCEPT, 'WSAEventSelect(listener)');
      h.expectOk(ws.connect(h.socket(), h.loopback(port), 16), 'connect 1');
      await expectEvents(ws, h, listener, ev, ws.FD_ACCEPT, 'FD_ACCEPT');
      await expectEvents(ws, h, listener, ev, 0, 'FD_ACCEPT only once');
      h.expectOk(ws.connect(h.socket(), h.loopback(port), 16), 'connect 2');
      await expectEvents(ws, h, listener, ev, ws.FD_ACCEPT, 'FD_ACCEPT for the second connection');
    },
  },
  {
    id: 'event-select.accept-unreported-reselect',
    title: 'an FD_ACCEPT recorded but never enumerated is reported by a later selection that includes FD_ACCEPT again',
    source: 'wine sock.c test_accept_events ("select on a subset containing FD_ACCEPT first": recorded, re-selected without FD_ACCEPT (event not signalled once reset), re-selected with it -> signalled, FD_ACCEPT)',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      const mask = ws.FD_CONNECT | ws.FD_READ | ws.FD_ACCEPT;
      const ev = h.eventSelect(listener, mask, 'WSAEventSelect(listener)');
      h.expectOk(ws.connect(h.socket(), h.loopback(port), 16), 'connect');
      await h.waitEvent(ev, 'FD_ACCEPT recorded');
      h.expectOk(ws.WSAEventSelect(listener, ev, ws.FD_CONNECT | ws.FD_READ), 'WSAEventSelect without FD_ACCEPT');
      h.assert.equal(h.isSignalled(ev), true, 'WSAEventSelect does not reset the event');
      h.assert.ok(ws.WSAResetEvent(ev), 'WSAResetEvent');
      h.expectOk(ws.WSAEventSelect(listener, ev, ws.FD_CONNECT | ws.FD_READ), 'WSAEventSelect without FD_ACCEPT again');
      h.assert.equal(h.isSignalled(ev), false, 'no FD_ACCEPT while it is not selected');
      h.expectOk(ws.WSAEventSelect(listener, ev, mask), 'WSAEventSelect with FD_ACCEPT');
      h.assert.equal(h.isSignalled(ev), true, 'signalled at once by the selection');
      await expectEvents(ws, h, listener, ev, ws.FD_ACCEPT, 'FD_ACCEPT');
    },
  },
  {
    id: 'event-select.close-reselect',
    title: 'FD_CLOSE is recorded once: selecting again does not record it again, nor does the receive of the close',
    source: 'wine sock.c test_close_events (peer closesocket -> FD_CLOSE; select again, select 0 then again -> nothing; recv -> 0, nothing)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const mask = ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ;
      const ev = h.eventSelect(server, mask, 'WSAEventSelect');
      h.expectOk(h.close(client), 'closesocket(client)');
      await expectEvents(ws, h, server, ev, ws.FD_CLOSE, 'FD_CLOSE');
      await expectEvents(ws, h, server, ev, 0, 'FD_CLOSE only once');
      await expectNothingOnReselect(ws, h, server, ev, mask, 'FD_CLOSE');
      h.assert.equal(ws.recv(server, Buffer.alloc(5), 5, 0), 0, 'recv of the graceful close');
      await expectEvents(ws, h, server, ev, 0, 'nothing after the recv');
    },
  },
  {
    id: 'event-select.close-later-select',
    title: 'a close that happened while FD_CLOSE was not selected is reported by a later selection including FD_CLOSE',
    source: 'wine sock.c test_close_events ("Close and then select" -> FD_CLOSE; "select on a subset not containing FD_CLOSE first": check_events_todo_event(FD_CLOSE), i.e. Windows records it and Wine does not)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ev = h.eventSelect(server, ws.FD_ACCEPT | ws.FD_CONNECT | ws.FD_READ, 'WSAEventSelect without FD_CLOSE');
      h.expectOk(h.close(client), 'closesocket(client)');
      await expectEvents(ws, h, server, ev, 0, 'nothing while FD_CLOSE is not selected');
      h.expectOk(ws.WSAEventSelect(server, ev, ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ), 'WSAEventSelect with FD_CLOSE');
      await expectEvents(ws, h, server, ev, ws.FD_CLOSE, 'FD_CLOSE at the later select');
    },
  },
];
