// The Microsoft extension functions: WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) and AcceptEx, GetAcceptExSockaddrs,
// ConnectEx, DisconnectEx, with their completions read from a completion port.
//
// As in completion-ports.mjs, packets are waited for with the Async form, and a socket is associated only after any
// harness receive on it.

// Windows' own numbers (winerror.h, ntstatus.h, mswsock.h), not the package's exports.
const ERROR_INVALID_PARAMETER = 87;
const WAIT_TIMEOUT = 258;
const ERROR_OPERATION_ABORTED = 995;
const ERROR_IO_PENDING = 997;
const ERROR_CONNECTION_REFUSED = 1225;
const STATUS_CANCELLED = 0xc0000120;
const SIO_GET_EXTENSION_FUNCTION_POINTER = 0xc8000006;
const SO_UPDATE_ACCEPT_CONTEXT = 0x700b;
const SO_UPDATE_CONNECT_CONTEXT = 0x7010;
const TF_REUSE_SOCKET = 2;

/** Each AcceptEx address slot: sizeof(SOCKADDR_IN) + 16, the least AcceptEx takes. */
const ADDR_SLOT = 16 + 16;
const UNTOUCHED = 0xdead;
/** A refused loopback connection takes about 2 s on Windows (SYN retries); Wine's tests wait 15 s. */
const REFUSED_MS = 15000;
/** How long a case watches for a completion that must not come (a bounded wait for an absence, not a sleep). */
const QUIET_MS = 200;

/** NTSTATUS severity "error" (0xC0000000 and above). */
const isNtError = (/** @type {number} */ status) => status >= 0xc0000000 && status <= 0xffffffff;

/** @typedef {import('../harness.mjs').WinsockApi} WinsockApi */
/** @typedef {import('../harness.mjs').Harness} Harness */

/**
 * WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, guid): must succeed with 8 bytes returned and a function.
 * @param {WinsockApi} ws
 * @param {Harness} h
 * @param {any} guid
 * @returns {any}
 */
function extension(ws, h, /** @type {number} */ s, guid, /** @type {string} */ name) {
  const fn = new ws.LPFN();
  const returned = new ws.DWORD(UNTOUCHED);
  h.expectOk(ws.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, 16, fn, 8, returned, null, null),
    `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_${name})`);
  h.assert.equal(typeof fn.value, 'function', `WSAID_${name}: the out-buffer holds a function`);
  h.assert.equal(returned.value, 8, `WSAID_${name}: lpcbBytesReturned = sizeof(a function pointer)`);
  return fn.value;
}

/**
 * Starts an AcceptEx that must pend (FALSE + 997). Returns its output buffer (recvLen + two address slots).
 * @param {WinsockApi} ws
 * @param {Harness} h
 * @param {InstanceType<WinsockApi['WSAOVERLAPPED']>} ov
 */
function startAccept(ws, h, /** @type {number} */ listener, /** @type {number} */ acceptSocket, /** @type {number} */ recvLen, ov,
  what = 'AcceptEx', acceptEx = ws.AcceptEx) {
  const buf = Buffer.alloc(recvLen + 2 * ADDR_SLOT);
  const bytes = new ws.DWORD(UNTOUCHED);
  h.expectError(acceptEx(listener, acceptSocket, buf, recvLen, ADDR_SLOT, ADDR_SLOT, bytes, ov), false, ERROR_IO_PENDING, what);
  h.assert.equal(bytes.value, UNTOUCHED, `${what}: a pending AcceptEx does not write lpdwBytesReceived`);
  return buf;
}

/**
 * A socket's own address or its peer's, as a plain object to compare.
 * @param {WinsockApi} ws
 * @param {Harness} h
 */
function nameOf(ws, h, /** @type {number} */ s, which = 'getsockname') {
  const addr = new ws.SOCKADDR_IN();
  const len = new ws.INT(16);
  const fn = which === 'getpeername' ? ws.getpeername : ws.getsockname;
  h.expectOk(fn(s, addr, len), which);
  return describe(ws, addr);
}

/**
 * @param {WinsockApi} ws
 * @param {InstanceType<WinsockApi['SOCKADDR_IN']>} addr
 */
const describe = (ws, addr) => ({ family: addr.sin_family, addr: addr.sin_addr.s_addr, port: ws.ntohs(addr.sin_port) });

/**
 * GetAcceptExSockaddrs on an AcceptEx buffer: the local and remote addresses, with their lengths.
 * @param {WinsockApi} ws
 */
function acceptedAddresses(ws, /** @type {Buffer} */ buf, /** @type {number} */ recvLen, getSockaddrs = ws.GetAcceptExSockaddrs) {
  const local = new ws.SOCKADDR_IN();
  const remote = new ws.SOCKADDR_IN();
  const localLen = new ws.INT(0);
  const remoteLen = new ws.INT(0);
  getSockaddrs(buf, recvLen, ADDR_SLOT, ADDR_SLOT, local, localLen, remote, remoteLen);
  return { local: describe(ws, local), localLen: localLen.value, remote: describe(ws, remote), remoteLen: remoteLen.value };
}

/**
 * A connected client of `lport` (a blocking loopback connect: the backlog or a pending AcceptEx completes it).
 * @param {WinsockApi} ws
 * @param {Harness} h
 */
function connectClient(ws, h, /** @type {number} */ lport, what = 'connect') {
  const c = h.socket();
  h.expectOk(ws.connect(c, h.loopback(lport), 16), what);
  return c;
}

/**
 * A socket bound to 127.0.0.1, port 0.
 * @param {WinsockApi} ws
 * @param {Harness} h
 */
function boundSocket(ws, h) {
  const s = h.socket();
  h.expectOk(ws.bind(s, h.loopback(0), 16), 'bind');
  return s;
}

/**
 * A loopback address that refuses connections (a bound socket that never listens keeps the port).
 * @param {WinsockApi} ws
 * @param {Harness} h
 */
function refusedAddress(ws, h) {
  return h.loopback(h.portOf(boundSocket(ws, h)));
}

/**
 * Calls `call` and returns its result, or undefined when the JS API rejects the argument with a TypeError (a NULL
 * the binding does not accept is not a Winsock call at all).
 * @param {() => unknown} call
 */
function unlessTypeError(call) {
  try {
    return call();
  } catch (e) {
    if (e instanceof TypeError) return undefined;
    throw e;
  }
}

/**
 * Watches for a packet that must not come within QUIET_MS.
 * @param {Harness} h
 */
async function expectQuiet(h, /** @type {number} */ port, /** @type {string} */ what) {
  const got = await h.dequeue(port, what, QUIET_MS);
  h.assert.ok(!got.ok && got.error === WAIT_TIMEOUT && got.overlapped === null,
    `${what}: a packet came (ok ${got.ok}, last error ${got.error}, bytes ${got.bytes}, key ${String(got.key)})`);
}

/** A listener on 127.0.0.1 and an accept socket, both associated with `port` (keys 0x100 and 0x200). */
const LKEY = 0x100;
const AKEY = 0x200;
/**
 * @param {WinsockApi} ws
 * @param {Harness} h
 */
function acceptSetup(ws, h) {
  const port = h.port();
  const { socket: listener, port: lport } = h.listener();
  h.associate(listener, port, LKEY, 'associating the listener');
  const acceptSocket = h.socket();
  h.associate(acceptSocket, port, AKEY, 'associating the accept socket');
  return { port, listener, lport, acceptSocket };
}

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  // --- Getting the functions --------------------------------------------------------------------------------------
  {
    id: 'extensions.function-pointers',
    title: 'WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) hands back AcceptEx, ConnectEx, DisconnectEx and GetAcceptExSockaddrs (8 bytes); each fails like the exported one',
    source: 'MS doc: WSAIoctl (SIO_GET_EXTENSION_FUNCTION_POINTER); wine sock.c test_connect (bytesReturned == sizeof(pConnectEx)), test_AcceptEx, test_DisconnectEx',
    async run(ws, h) {
      const s = h.socket();
      const acceptEx = extension(ws, h, s, ws.WSAID_ACCEPTEX, 'ACCEPTEX');
      const connectEx = extension(ws, h, s, ws.WSAID_CONNECTEX, 'CONNECTEX');
      const disconnectEx = extension(ws, h, s, ws.WSAID_DISCONNECTEX, 'DISCONNECTEX');
      extension(ws, h, s, ws.WSAID_GETACCEPTEXSOCKADDRS, 'GETACCEPTEXSOCKADDRS');
      const target = h.loopback(h.listener().port);
      const buf = Buffer.alloc(2 * ADDR_SLOT);
      for (const [name, fn] of [['pointer', acceptEx], ['export', ws.AcceptEx]]) {
        h.expectError(fn(ws.INVALID_SOCKET, s, buf, 0, ADDR_SLOT, ADDR_SLOT, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAENOTSOCK, `AcceptEx (${name}) with INVALID_SOCKET`);
      }
      for (const [name, fn] of [['pointer', connectEx], ['export', ws.ConnectEx]]) {
        h.expectError(fn(s, target, 16, null, 0, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAEINVAL, `ConnectEx (${name}) on an unbound socket`);
      }
      for (const [name, fn] of [['pointer', disconnectEx], ['export', ws.DisconnectEx]]) {
        h.expectError(fn(s, new ws.WSAOVERLAPPED(), 0, 0), false, ws.WSAENOTCONN, `DisconnectEx (${name}) on an unconnected socket`);
      }
    },
  },
  {
    id: 'extensions.function-pointers-full-flow',
    title: 'through the returned pointers only: AcceptEx with receive data meets ConnectEx with send data, GetAcceptExSockaddrs reads both ends, DisconnectEx closes',
    source: 'MS doc: WSAIoctl (SIO_GET_EXTENSION_FUNCTION_POINTER), AcceptEx, ConnectEx, DisconnectEx; wine sock.c test_AcceptEx',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const client = boundSocket(ws, h);
      h.associate(client, port, 0x300);
      const acceptEx = extension(ws, h, listener, ws.WSAID_ACCEPTEX, 'ACCEPTEX');
      const getSockaddrs = extension(ws, h, listener, ws.WSAID_GETACCEPTEXSOCKADDRS, 'GETACCEPTEXSOCKADDRS');
      const connectEx = extension(ws, h, client, ws.WSAID_CONNECTEX, 'CONNECTEX');
      const disconnectEx = extension(ws, h, client, ws.WSAID_DISCONNECTEX, 'DISCONNECTEX');

      const acceptOv = new ws.WSAOVERLAPPED();
      const buf = startAccept(ws, h, listener, acceptSocket, 4, acceptOv, 'AcceptEx (pointer)', acceptEx);
      const connectOv = new ws.WSAOVERLAPPED();
      h.expectError(connectEx(client, h.loopback(lport), 16, Buffer.from('ping'), 4, new ws.DWORD(), connectOv), false, ERROR_IO_PENDING, 'ConnectEx (pointer)');
      // Both complete; which packet comes first is not fixed.
      const packets = [await h.dequeue(port, 'first of the two'), await h.dequeue(port, 'second of the two')];
      const accepted = packets.find((p) => p.overlapped === acceptOv);
      const connected = packets.find((p) => p.overlapped === connectOv);
      h.assert.ok(accepted && connected, `one packet for each (got keys ${packets.map((p) => String(p.key)).join(', ')})`);
      h.assert.deepEqual([accepted.ok, accepted.bytes, accepted.key], [true, 4, LKEY], 'the AcceptEx packet');
      h.assert.deepEqual([connected.ok, connected.bytes, connected.key], [true, 4, 0x300], 'the ConnectEx packet');
      h.assert.equal(buf.subarray(0, 4).toString(), 'ping', 'AcceptEx received the ConnectEx data');
      const addrs = acceptedAddresses(ws, buf, 4, getSockaddrs);
      h.assert.deepEqual(addrs.local, nameOf(ws, h, listener), 'local = the listener\'s address');
      h.assert.deepEqual(addrs.remote, nameOf(ws, h, client), 'remote = the client\'s address');

      h.expectOk(ws.setsockopt(acceptSocket, ws.SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8), 'SO_UPDATE_ACCEPT_CONTEXT');
      h.expectOk(ws.setsockopt(client, ws.SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0), 'SO_UPDATE_CONNECT_CONTEXT');
      const discOv = new ws.WSAOVERLAPPED();
      h.expectError(disconnectEx(client, discOv, 0, 0), false, ERROR_IO_PENDING, 'DisconnectEx (pointer)');
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0x300, overlapped: discOv }, 'the DisconnectEx packet');
      const eofOv = new ws.WSAOVERLAPPED();
      const r = ws.WSARecv(acceptSocket, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(0), eofOv, null);
      if (r !== 0) h.expectPending(r, 'WSARecv on the accepted socket');
      await h.expectPacket(port, { ok: true, bytes: 0, key: AKEY, overlapped: eofOv }, 'the accepted socket sees a graceful close');
    },
  },

  // --- AcceptEx ---------------------------------------------------------------------------------------------------
  {
    id: 'extensions.acceptex-no-receive',
    title: 'AcceptEx with recvLen 0 completes when a connection arrives: 0 bytes, the LISTENING socket\'s key; then SO_UPDATE_ACCEPT_CONTEXT, getsockname/getpeername, data both ways',
    source: 'wine sock.c test_completion_port (AcceptEx packet: key 125 of the listener, 0 bytes), test_AcceptEx (SO_UPDATE_ACCEPT_CONTEXT then getsockname); MS doc: AcceptEx',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const ov = new ws.WSAOVERLAPPED();
      const buf = startAccept(ws, h, listener, acceptSocket, 0, ov);
      h.expectNoPacket(port, 'no connection yet');
      const client = connectClient(ws, h, lport);
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov }, 'the AcceptEx (listener\'s key)');
      h.assert.equal(ov.Internal, 0, 'Internal = STATUS_SUCCESS');
      const listenerName = nameOf(ws, h, listener);
      const clientName = nameOf(ws, h, client);
      const addrs = acceptedAddresses(ws, buf, 0);
      h.assert.deepEqual(addrs.local, listenerName, 'GetAcceptExSockaddrs: local = the listener\'s address');
      h.assert.deepEqual(addrs.remote, clientName, 'GetAcceptExSockaddrs: remote = the client\'s address');
      h.assert.deepEqual([addrs.localLen, addrs.remoteLen], [16, 16], 'address lengths');
      h.expectOk(ws.setsockopt(acceptSocket, ws.SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8), 'SO_UPDATE_ACCEPT_CONTEXT');
      h.assert.deepEqual(nameOf(ws, h, acceptSocket), listenerName, 'getsockname(accepted) = the listener\'s address');
      h.assert.deepEqual(nameOf(ws, h, acceptSocket, 'getpeername'), clientName, 'getpeername(accepted) = the client');
      h.send(acceptSocket, 'to-client');
      h.assert.equal((await h.recvExactly(client, 9)).toString(), 'to-client');
      const buf2 = Buffer.alloc(16);
      const rov = new ws.WSAOVERLAPPED();
      const r = ws.WSARecv(acceptSocket, [new ws.WSABUF(buf2)], 1, new ws.DWORD(), new ws.DWORD(0), rov, null);
      if (r !== 0) h.expectPending(r, 'WSARecv on the accepted socket');
      h.send(client, 'to-server');
      await h.expectPacket(port, { ok: true, bytes: 9, key: AKEY, overlapped: rov }, 'the accepted socket\'s own I/O carries its own key');
      h.assert.equal(buf2.subarray(0, 9).toString(), 'to-server');
    },
  },
  {
    id: 'extensions.acceptex-waits-for-data',
    title: 'AcceptEx with recvLen > 0 completes only with the first data (bytes = N); GetAcceptExSockaddrs gives local = listener, remote = client',
    source: 'wine sock.c test_AcceptEx ("AcceptEx() still won\'t complete until we send data"; GetAcceptExSockaddrs checks), test_completion_port (1 byte, key 125)',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const ov = new ws.WSAOVERLAPPED();
      const buf = startAccept(ws, h, listener, acceptSocket, 16, ov);
      const client = connectClient(ws, h, lport);
      await expectQuiet(h, port, 'AcceptEx(recvLen 16) after the connection, before any data');
      h.assert.equal(ov.Internal, ws.STATUS_PENDING, 'still pending');
      h.send(client, 'hello');
      await h.expectPacket(port, { ok: true, bytes: 5, key: LKEY, overlapped: ov }, 'the AcceptEx with the first data');
      h.assert.equal(buf.subarray(0, 5).toString(), 'hello', 'the data at the start of the buffer');
      const addrs = acceptedAddresses(ws, buf, 16);
      h.assert.deepEqual(addrs.local, nameOf(ws, h, listener), 'local = the listener\'s address');
      h.assert.deepEqual(addrs.remote, nameOf(ws, h, client), 'remote = the client\'s getsockname');
    },
  },
  {
    id: 'extensions.acceptex-connect-then-close',
    title: 'AcceptEx with recvLen > 0 whose client connects and closes without data completes TRUE with 0 bytes',
    source: 'wine sock.c test_completion_port (connector closed: TRUE, key 125, 0 bytes, STATUS_SUCCESS), test_AcceptEx ("Disconnect during receive?")',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const ov = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 16, ov);
      const client = connectClient(ws, h, lport);
      h.expectOk(h.close(client), 'closesocket(client)');
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov }, 'the AcceptEx of a connection closed without data');
      h.assert.equal(ov.Internal, 0, 'Internal = STATUS_SUCCESS');
    },
  },
  {
    id: 'extensions.acceptex-bad-sockets',
    title: 'AcceptEx fails at once, queueing nothing: INVALID_SOCKET as either socket 10038; an accept socket already in an AcceptEx 10022 (the first one unharmed)',
    source: 'wine sock.c test_AcceptEx ("AcceptEx on invalid listening socket" / "invalid accepting socket": WSAENOTSOCK; "try to accept into the same socket twice": WSAEINVAL)',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const buf = Buffer.alloc(2 * ADDR_SLOT);
      const fail = (/** @type {number} */ l, /** @type {number} */ a, /** @type {number} */ code, /** @type {string} */ what) =>
        h.expectError(ws.AcceptEx(l, a, buf, 0, ADDR_SLOT, ADDR_SLOT, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, code, what);
      fail(ws.INVALID_SOCKET, acceptSocket, ws.WSAENOTSOCK, 'AcceptEx with an invalid listening socket');
      fail(listener, ws.INVALID_SOCKET, ws.WSAENOTSOCK, 'AcceptEx with an invalid accept socket');
      const ov = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov, 'the first AcceptEx into the accept socket');
      fail(listener, acceptSocket, ws.WSAEINVAL, 'a second AcceptEx into the same accept socket');
      h.expectNoPacket(port, 'the failed calls queued nothing');
      // The first AcceptEx was not disturbed: it accepts.
      connectClient(ws, h, lport);
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov }, 'the first AcceptEx');
      h.expectNoPacket(port, 'exactly one packet');
    },
  },
  {
    id: 'extensions.acceptex-unusable-sockets',
    title: 'AcceptEx fails at once with WSAEINVAL (10022), queueing nothing, on a listener that does not listen and into an accept socket that is connected or bound',
    source: 'wine sock.c test_AcceptEx ("AcceptEx on a non-listening socket", "A bound socket cannot be accepted into", "A connected socket cannot be accepted into": WSAEINVAL on Windows)',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const buf = Buffer.alloc(2 * ADDR_SLOT);
      const fail = (/** @type {number} */ l, /** @type {number} */ a, /** @type {string} */ what) =>
        h.expectError(ws.AcceptEx(l, a, buf, 0, ADDR_SLOT, ADDR_SLOT, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAEINVAL, what);
      const notListening = boundSocket(ws, h);
      h.associate(notListening, port, 0x101);
      fail(notListening, acceptSocket, 'AcceptEx on a bound socket that does not listen');
      const { client, server } = h.pair();
      fail(listener, client, 'AcceptEx into a connected socket (the client side)');
      fail(listener, server, 'AcceptEx into a connected socket (an accepted one)');
      fail(listener, boundSocket(ws, h), 'AcceptEx into a bound socket');
      h.expectNoPacket(port, 'the failed calls queued nothing');
      // The accept socket the first failure named is still free for an AcceptEx.
      const ov = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov, 'AcceptEx after the failures');
      connectClient(ws, h, lport);
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov }, 'the AcceptEx after the failures');
    },
  },
  {
    id: 'extensions.acceptex-bad-buffers',
    title: 'AcceptEx fails at once, queueing nothing: NULL buffer or remote address length 0 WSAEFAULT (10014), NULL overlapped ERROR_INVALID_PARAMETER (87)',
    source: 'wine sock.c test_AcceptEx ("AcceptEx on NULL buffer" WSAEFAULT, "too small remote address size" WSAEFAULT, "AcceptEx on a NULL overlapped" ERROR_INVALID_PARAMETER)',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const buf = Buffer.alloc(16 + 2 * ADDR_SLOT);
      const nullBuffer = unlessTypeError(() => ws.AcceptEx(listener, acceptSocket, /** @type {any} */ (null), 16, ADDR_SLOT, ADDR_SLOT, new ws.DWORD(), new ws.WSAOVERLAPPED()));
      if (nullBuffer !== undefined) h.expectError(nullBuffer, false, ws.WSAEFAULT, 'AcceptEx with a NULL buffer');
      h.expectError(ws.AcceptEx(listener, acceptSocket, buf, 0, ADDR_SLOT, 0, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAEFAULT,
        'AcceptEx with a remote address length of 0');
      const nullOverlapped = unlessTypeError(() => ws.AcceptEx(listener, acceptSocket, buf, 0, ADDR_SLOT, ADDR_SLOT, new ws.DWORD(), /** @type {any} */ (null)));
      if (nullOverlapped !== undefined) h.expectError(nullOverlapped, false, ERROR_INVALID_PARAMETER, 'AcceptEx with a NULL overlapped');
      h.expectNoPacket(port, 'the failed calls queued nothing');
      // Nothing was started on the accept socket: it can take an AcceptEx now.
      const ov = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov, 'AcceptEx after the failures');
      connectClient(ws, h, lport);
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov }, 'the AcceptEx after the failures');
    },
  },
  {
    id: 'extensions.acceptex-listener-closed',
    title: 'closing the listener with an AcceptEx pending: FALSE, ERROR_OPERATION_ABORTED (995), Internal STATUS_CANCELLED, the listener\'s key, 0 bytes',
    source: 'wine sock.c test_completion_port ("IOCP created before AcceptEx": ERROR_OPERATION_ABORTED, key 125, STATUS_CANCELLED), test_AcceptEx (closesocket(listener))',
    async run(ws, h) {
      const { port, listener, acceptSocket } = acceptSetup(ws, h);
      const ov = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov);
      h.expectOk(h.close(listener), 'closesocket(listener)');
      await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: LKEY, overlapped: ov }, 'the aborted AcceptEx');
      h.assert.equal(ov.Internal, STATUS_CANCELLED, 'Internal');
      h.expectError(ws.WSAGetOverlappedResult(acceptSocket, ov, new ws.DWORD(), false, new ws.DWORD()), false, ERROR_OPERATION_ABORTED, 'WSAGetOverlappedResult');
      h.expectNoPacket(port, 'one packet');
    },
  },
  {
    id: 'extensions.acceptex-accept-socket-closed',
    title: 'closing the accept socket with an AcceptEx pending: FALSE, ERROR_OPERATION_ABORTED (995), the listener\'s key; the listener accepts on',
    source: 'wine sock.c test_AcceptEx ("Test closing with pending requests": closesocket(acceptor), ERROR_OPERATION_ABORTED); winsock-semantics.md',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const ov = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov);
      h.expectOk(h.close(acceptSocket), 'closesocket(accept socket)');
      await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: LKEY, overlapped: ov }, 'the aborted AcceptEx');
      h.assert.ok(isNtError(ov.Internal), `Internal is an NTSTATUS error, got 0x${ov.Internal.toString(16)}`);
      const next = h.socket();
      const ov2 = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, next, 0, ov2, 'AcceptEx with a new accept socket');
      connectClient(ws, h, lport);
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov2 }, 'the next AcceptEx');
    },
  },
  {
    id: 'extensions.acceptex-cancelio',
    title: 'CancelIo on the accept socket does not cancel its AcceptEx (which later accepts); CancelIo on the listener does (995, STATUS_CANCELLED)',
    source: 'wine sock.c test_AcceptEx (CancelIo(acceptor): the event stays unset; CancelIo(listener) cancels); winsock-semantics.md',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const ov = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov);
      // (What CancelIo returns with nothing of its own pending is completion-ports.cancelio's subject, not this case's.)
      ws.CancelIo(acceptSocket);
      await expectQuiet(h, port, 'after CancelIo(accept socket)');
      h.assert.equal(ov.Internal, ws.STATUS_PENDING, 'the AcceptEx still pends');
      connectClient(ws, h, lport);
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov }, 'the AcceptEx CancelIo(accept socket) left alone');
      const second = h.socket();
      const ov2 = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, second, 0, ov2, 'a second AcceptEx');
      h.assert.equal(ws.CancelIo(listener), true, 'CancelIo(listener)');
      await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: LKEY, overlapped: ov2 }, 'the AcceptEx cancelled through the listener');
      h.assert.equal(ov2.Internal, STATUS_CANCELLED, 'Internal');
    },
  },

  // --- ConnectEx --------------------------------------------------------------------------------------------------
  {
    id: 'extensions.connectex-unbound',
    title: 'ConnectEx on a socket that is not bound fails at once with WSAEINVAL (10022), queueing nothing',
    source: 'wine sock.c test_connect ("ConnectEx on a unbound socket": WSAEINVAL); MS doc: ConnectEx',
    async run(ws, h) {
      const port = h.port();
      const { port: lport } = h.listener();
      const s = h.socket();
      h.associate(s, port, 1);
      h.expectError(ws.ConnectEx(s, h.loopback(lport), 16, null, 0, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAEINVAL, 'ConnectEx on an unbound socket');
      h.expectNoPacket(port, 'the failed ConnectEx queued nothing');
    },
  },
  {
    id: 'extensions.connectex-already-connected',
    title: 'ConnectEx on a connected socket (connecting or accepted side, or after a ConnectEx) fails at once with WSAEISCONN (10056)',
    source: 'wine sock.c test_connect (WSAEISCONN for the connector after ConnectEx, for an accepted socket, for a tcp_socketpair)',
    async run(ws, h) {
      const port = h.port();
      const { socket: listener, port: lport } = h.listener();
      const target = h.loopback(lport);
      const { client, server } = h.pair();
      h.associate(client, port, 1);
      h.associate(server, port, 2);
      h.expectError(ws.ConnectEx(client, target, 16, null, 0, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAEISCONN, 'ConnectEx on a connected client');
      h.expectError(ws.ConnectEx(server, target, 16, null, 0, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAEISCONN, 'ConnectEx on an accepted socket');
      const s = boundSocket(ws, h);
      h.associate(s, port, 3);
      const ov = new ws.WSAOVERLAPPED();
      h.expectError(ws.ConnectEx(s, target, 16, null, 0, new ws.DWORD(), ov), false, ERROR_IO_PENDING, 'ConnectEx');
      await h.expectPacket(port, { ok: true, bytes: 0, key: 3, overlapped: ov }, 'the ConnectEx');
      h.accept(listener);
      h.expectError(ws.ConnectEx(s, target, 16, null, 0, new ws.DWORD(), new ws.WSAOVERLAPPED()), false, ws.WSAEISCONN, 'ConnectEx again after it connected');
      h.expectNoPacket(port, 'the failed calls queued nothing');
    },
  },
  {
    id: 'extensions.connectex-success',
    title: 'ConnectEx pends (997), then completes with bytes = sendLen and the peer receives the data; SO_UPDATE_CONNECT_CONTEXT; with no data, 0 bytes',
    source: 'wine sock.c test_connect_completion_port ("ConnectEx() queues completion", "Test ConnectEx() with a non-empty buffer": size 3), test_connect (peer receives "123")',
    async run(ws, h) {
      const port = h.port();
      const { socket: listener, port: lport } = h.listener();
      const s = boundSocket(ws, h);
      const boundName = nameOf(ws, h, s);
      h.associate(s, port, 0x310);
      const ov = new ws.WSAOVERLAPPED();
      const sent = new ws.DWORD(UNTOUCHED);
      h.expectError(ws.ConnectEx(s, h.loopback(lport), 16, Buffer.from('one'), 3, sent, ov), false, ERROR_IO_PENDING, 'ConnectEx with 3 bytes');
      await h.expectPacket(port, { ok: true, bytes: 3, key: 0x310, overlapped: ov }, 'the ConnectEx');
      h.assert.deepEqual([ov.Internal, ov.InternalHigh], [0, 3], 'Internal, InternalHigh');
      const acceptor = h.accept(listener);
      h.assert.equal((await h.recvExactly(acceptor, 3)).toString(), 'one', 'the peer received the ConnectEx data');
      h.expectOk(ws.setsockopt(s, ws.SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0), 'SO_UPDATE_CONNECT_CONTEXT');
      h.assert.deepEqual(nameOf(ws, h, s, 'getpeername'), nameOf(ws, h, listener), 'getpeername = the listener');
      h.assert.deepEqual(nameOf(ws, h, s), boundName, 'getsockname = the bound address');
      h.send(acceptor, 'two');
      const buf = Buffer.alloc(8);
      const rov = new ws.WSAOVERLAPPED();
      const r = ws.WSARecv(s, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(0), rov, null);
      if (r !== 0) h.expectPending(r, 'WSARecv on the connected socket');
      await h.expectPacket(port, { ok: true, bytes: 3, key: 0x310, overlapped: rov }, 'a receive on the connected socket');
      h.assert.equal(buf.subarray(0, 3).toString(), 'two');

      const empty = boundSocket(ws, h);
      h.associate(empty, port, 0x311);
      const ov2 = new ws.WSAOVERLAPPED();
      h.expectError(ws.ConnectEx(empty, h.loopback(lport), 16, null, 0, new ws.DWORD(), ov2), false, ERROR_IO_PENDING, 'ConnectEx without data');
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0x311, overlapped: ov2 }, 'the ConnectEx without data');
      h.accept(listener);
    },
  },
  {
    id: 'extensions.connectex-refused',
    title: 'ConnectEx to a port nobody listens on pends (997), then its packet fails with ERROR_CONNECTION_REFUSED (1225), 0 bytes',
    source: 'wine sock.c test_connect_completion_port ("Connect to an invalid address"), test_connect ("Connect with error": ERROR_CONNECTION_REFUSED)',
    async run(ws, h) {
      const port = h.port();
      const target = refusedAddress(ws, h);
      const s = boundSocket(ws, h);
      h.associate(s, port, 0x320);
      const ov = new ws.WSAOVERLAPPED();
      h.expectError(ws.ConnectEx(s, target, 16, Buffer.from('lost'), 4, new ws.DWORD(), ov), false, ERROR_IO_PENDING, 'ConnectEx to a refusing port');
      await h.expectPacket(port, { ok: false, error: ERROR_CONNECTION_REFUSED, bytes: 0, key: 0x320, overlapped: ov }, 'the refused ConnectEx', REFUSED_MS);
      h.expectNoPacket(port, 'one packet');
    },
  },

  // --- DisconnectEx -----------------------------------------------------------------------------------------------
  {
    id: 'extensions.disconnectex-not-connected',
    title: 'DisconnectEx on a socket that is not connected fails at once with WSAENOTCONN (10057), on INVALID_SOCKET with WSAENOTSOCK; nothing queued',
    source: 'wine sock.c test_DisconnectEx (WSAENOTSOCK, WSAENOTCONN); MS doc: DisconnectEx',
    async run(ws, h) {
      const port = h.port();
      const s = h.socket();
      h.associate(s, port, 1);
      h.expectError(ws.DisconnectEx(s, new ws.WSAOVERLAPPED(), 0, 0), false, ws.WSAENOTCONN, 'DisconnectEx on an unconnected socket');
      h.expectError(ws.DisconnectEx(ws.INVALID_SOCKET, new ws.WSAOVERLAPPED(), 0, 0), false, ws.WSAENOTSOCK, 'DisconnectEx on INVALID_SOCKET');
      h.expectNoPacket(port, 'the failed calls queued nothing');
    },
  },
  {
    id: 'extensions.disconnectex-overlapped',
    title: 'DisconnectEx with an overlapped pends (997) and completes with 0 bytes; the peer sees a graceful close',
    source: 'wine sock.c test_DisconnectEx (ERROR_IO_PENDING, then size 0; the peer\'s recv returns 0), test_shutdown_completion_port ("DisconnectEx() queues completion")',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(client, port, 0x400);
      const ov = new ws.WSAOVERLAPPED();
      h.expectError(ws.DisconnectEx(client, ov, 0, 0), false, ERROR_IO_PENDING, 'DisconnectEx');
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0x400, overlapped: ov }, 'the DisconnectEx');
      h.assert.equal(ov.Internal, 0, 'Internal = STATUS_SUCCESS');
      h.assert.equal((await h.recv(server, 16, 'the peer after DisconnectEx')).length, 0, 'the peer reads the end of the stream');
    },
  },
  {
    id: 'extensions.disconnectex-null-overlapped',
    title: 'DisconnectEx without an overlapped returns TRUE and queues nothing; the peer sees a graceful close',
    source: 'wine sock.c test_shutdown_completion_port ("Test passing a NULL overlapped structure to DisconnectEx()"), test_DisconnectEx ("Test the synchronous case")',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(client, port, 0x401);
      h.assert.equal(ws.DisconnectEx(client, null, 0, 0), true, `DisconnectEx(NULL): ${h.errName(ws.WSAGetLastError())}`);
      h.expectNoPacket(port, 'a DisconnectEx without overlapped queues nothing');
      h.assert.equal((await h.recv(server, 16, 'the peer after DisconnectEx')).length, 0, 'the peer reads the end of the stream');
    },
  },
  {
    id: 'extensions.disconnectex-reuse-acceptex',
    title: 'DisconnectEx(TF_REUSE_SOCKET) makes an accepted socket usable again: AcceptEx on it accepts a new connection, which echoes data',
    source: 'MS doc: DisconnectEx (TF_REUSE_SOCKET: "the socket handle can be passed to the AcceptEx or ConnectEx function"); winsock-semantics.md',
    async run(ws, h) {
      const { port, listener, lport, acceptSocket } = acceptSetup(ws, h);
      const ov1 = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov1, 'the first AcceptEx');
      const first = connectClient(ws, h, lport, 'connect (first client)');
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov1 }, 'the first AcceptEx');
      h.expectOk(ws.setsockopt(acceptSocket, ws.SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8), 'SO_UPDATE_ACCEPT_CONTEXT');
      // The client closes first, so the accepted side does not end in TIME_WAIT (which would delay DisconnectEx).
      h.expectOk(h.close(first), 'closesocket(first client)');
      const eof = new ws.WSAOVERLAPPED();
      const r = ws.WSARecv(acceptSocket, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(0), eof, null);
      if (r !== 0) h.expectPending(r, 'WSARecv for the end of the stream');
      await h.expectPacket(port, { ok: true, bytes: 0, key: AKEY, overlapped: eof }, 'the end of the first connection');
      const disc = new ws.WSAOVERLAPPED();
      const d = ws.DisconnectEx(acceptSocket, disc, TF_REUSE_SOCKET, 0);
      if (d !== true) h.expectError(d, false, ERROR_IO_PENDING, 'DisconnectEx(TF_REUSE_SOCKET)');
      await h.expectPacket(port, { ok: true, bytes: 0, key: AKEY, overlapped: disc }, 'the DisconnectEx(TF_REUSE_SOCKET)');

      const ov2 = new ws.WSAOVERLAPPED();
      startAccept(ws, h, listener, acceptSocket, 0, ov2, 'AcceptEx into the reused socket');
      const second = connectClient(ws, h, lport, 'connect (second client)');
      await h.expectPacket(port, { ok: true, bytes: 0, key: LKEY, overlapped: ov2 }, 'the AcceptEx on the reused socket');
      h.expectOk(ws.setsockopt(acceptSocket, ws.SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8), 'SO_UPDATE_ACCEPT_CONTEXT (reused)');
      h.assert.deepEqual(nameOf(ws, h, acceptSocket, 'getpeername'), nameOf(ws, h, second), 'the reused socket is connected to the second client');
      h.send(second, 'echo me');
      const buf = Buffer.alloc(32);
      const rov = new ws.WSAOVERLAPPED();
      const rr = ws.WSARecv(acceptSocket, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(0), rov, null);
      if (rr !== 0) h.expectPending(rr, 'WSARecv on the reused socket');
      const got = await h.expectPacket(port, { ok: true, key: AKEY, overlapped: rov }, 'the receive on the reused socket');
      const data = buf.subarray(0, got.bytes);
      h.assert.equal(data.toString(), 'echo me');
      const sov = new ws.WSAOVERLAPPED();
      const sr = ws.WSASend(acceptSocket, [new ws.WSABUF(Buffer.from(data))], 1, new ws.DWORD(), 0, sov, null);
      if (sr !== 0) h.expectPending(sr, 'WSASend on the reused socket');
      await h.expectPacket(port, { ok: true, bytes: data.length, key: AKEY, overlapped: sov }, 'the echo send');
      h.assert.equal((await h.recvExactly(second, 7)).toString(), 'echo me', 'the second client got its data back');
    },
  },
];
