// Failures at the start of an overlapped call: the error code, and that nothing is ever signalled for them.

/**
 * Asserts that a failed start signalled nothing: the event stays unsignalled and no routine runs.
 * @param {import('../harness.mjs').WinsockApi} ws
 * @param {import('../harness.mjs').Harness} h
 */
function expectNothingSignalled(ws, h, /** @type {number} */ ev, /** @type {{ count: number }} */ routineCalls, what = 'the failed call') {
  h.assert.equal(h.isSignalled(ev), false, `${what} set its event`);
  h.assert.equal(ws.SleepEx(0, true), 0, `${what} queued a completion routine`);
  h.assert.equal(routineCalls.count, 0, `${what} ran a completion routine`);
}

/**
 * Tries WSARecv and WSASend with an event-overlapped and a routine-overlapped; both must fail with `code`.
 * @param {import('../harness.mjs').WinsockApi} ws
 * @param {import('../harness.mjs').Harness} h
 */
function expectStartFailure(ws, h, /** @type {number} */ s, /** @type {number} */ count, /** @type {number} */ code, what = '') {
  for (let i = 0; i < 100 && ws.SleepEx(0, true) === ws.WAIT_IO_COMPLETION; i++);
  const calls = { count: 0 };
  const routine = () => { calls.count++; };
  const bufs = count === 0 ? [] : [new ws.WSABUF(Buffer.alloc(8))];
  for (const op of ['WSARecv', 'WSASend']) {
    const ev = h.event();
    const ov = new ws.WSAOVERLAPPED();
    ov.hEvent = ev;
    const withEvent = op === 'WSARecv'
      ? ws.WSARecv(s, bufs, count, new ws.DWORD(), new ws.DWORD(), ov, null)
      : ws.WSASend(s, bufs, count, new ws.DWORD(), 0, ov, null);
    h.expectError(withEvent, ws.SOCKET_ERROR, code, `${op} ${what} (event)`);
    const withRoutine = op === 'WSARecv'
      ? ws.WSARecv(s, bufs, count, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), routine)
      : ws.WSASend(s, bufs, count, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine);
    h.expectError(withRoutine, ws.SOCKET_ERROR, code, `${op} ${what} (routine)`);
    expectNothingSignalled(ws, h, ev, calls, `${op} ${what}`);
  }
}

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'errors.buffer-count-zero',
    title: 'dwBufferCount 0 -> WSAEINVAL, and nothing is signalled for it',
    source: 'winsock-semantics.md; wine sock.c test_WSARecv',
    async run(ws, h) {
      const { server } = h.pair();
      expectStartFailure(ws, h, server, 0, ws.WSAEINVAL, 'with dwBufferCount 0');
    },
  },
  {
    id: 'errors.not-a-socket',
    title: 'a closed socket handle -> WSAENOTSOCK, and nothing is signalled for it',
    source: 'MS doc: WSARecv (WSAENOTSOCK)',
    async run(ws, h) {
      const s = h.socket();
      h.expectOk(h.close(s), 'closesocket');
      expectStartFailure(ws, h, s, 1, ws.WSAENOTSOCK, 'on a closed socket');
      h.expectError(ws.send(s, Buffer.from('x'), 1, 0), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'send on a closed socket');
      h.expectError(ws.recv(s, Buffer.alloc(1), 1, 0), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'recv on a closed socket');
      h.expectError(ws.ioctlsocket(s, ws.FIONBIO, new ws.DWORD(1)), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'ioctlsocket on a closed socket');
      h.expectError(ws.setsockopt(s, ws.SOL_SOCKET, ws.SO_RCVBUF, new ws.DWORD(4096), 4), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'setsockopt on a closed socket');
    },
  },
  {
    id: 'errors.not-connected',
    title: 'WSARecv/WSASend on an unconnected socket -> WSAENOTCONN at once, nothing signalled',
    source: 'winsock-semantics.md; MS doc: WSARecv (WSAENOTCONN)',
    async run(ws, h) {
      const s = h.socket();
      expectStartFailure(ws, h, s, 1, ws.WSAENOTCONN, 'on an unconnected socket');
    },
  },
  {
    id: 'errors.recv-on-listener',
    title: 'WSARecv on a listening socket -> WSAENOTCONN',
    source: 'MS doc: WSARecv (WSAENOTCONN)',
    async run(ws, h) {
      const { socket } = h.listener();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      h.expectError(ws.WSARecv(socket, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(), ov, null), ws.SOCKET_ERROR, ws.WSAENOTCONN, 'WSARecv on a listener');
    },
  },
  {
    id: 'errors.connect-refused-last-error',
    title: 'a refused blocking connect leaves WSAECONNREFUSED as the last error and the socket unconnected',
    source: 'MS doc: connect (WSAECONNREFUSED)',
    async run(ws, h) {
      const holder = h.socket();
      h.expectOk(ws.bind(holder, h.loopback(0), 16), 'bind');
      const s = h.socket();
      h.expectError(ws.connect(s, h.loopback(h.portOf(holder)), 16), ws.SOCKET_ERROR, ws.WSAECONNREFUSED, 'connect');
      h.expectError(ws.getpeername(s, new ws.SOCKADDR_IN(), new ws.INT(16)), ws.SOCKET_ERROR, ws.WSAENOTCONN, 'getpeername after a refused connect');
    },
  },
];
