// Completion ports: creating and associating, what is queued (and what is not), what GetQueuedCompletionStatus(Ex)
// hands back for successes, failures, timeouts, posted packets and a closed port, the Async forms, cancellation.
//
// Packets are waited for with the Async form (h.dequeue / h.expectPacket) unless a case is about the blocking
// form, which then only waits where the packet is already queued or the kernel will queue it (loopback I/O done).
// Sockets whose completions a case reads are associated only after any harness receive (h.deliver, h.recv) on
// them, since those are overlapped receives and would queue packets of their own.

// The numbers the cases compare with are Windows' own (winerror.h, ntstatus.h), not the package's exports.
const ERROR_INVALID_HANDLE = 6;
const ERROR_NETNAME_DELETED = 64;
const ERROR_INVALID_PARAMETER = 87;
const WAIT_TIMEOUT = 258;
const ERROR_ABANDONED_WAIT_0 = 735;
const ERROR_OPERATION_ABORTED = 995;
const ERROR_IO_PENDING = 997;
const ERROR_NOT_FOUND = 1168;
const ERROR_CONNECTION_REFUSED = 1225;
const ERROR_CONNECTION_ABORTED = 1236;
const WAIT_IO_COMPLETION = 192;
const STATUS_CANCELLED = 0xc0000120;
const STATUS_CONNECTION_ABORTED = 0xc0000241;
const STATUS_CONNECTION_REFUSED = 0xc0000236;
const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 1;
const FILE_SKIP_SET_EVENT_ON_HANDLE = 2;

const UNTOUCHED_BYTES = 0xdead;
const UNTOUCHED_KEY = 0xbeef;
/** A last-error value no call here produces, to see that a successful call leaves the last error alone. */
const LAST_ERROR_SENTINEL = 0x1234;
/** A refused loopback connection takes about 2 s on Windows (SYN retries); Wine's tests wait 15 s. */
const REFUSED_MS = 15000;

/** NTSTATUS severity "error" (0xC0000000 and above). */
const isNtError = (/** @type {number} */ status) => status >= 0xc0000000 && status <= 0xffffffff;

/** @typedef {import('../harness.mjs').WinsockApi} WinsockApi */
/** @typedef {import('../harness.mjs').Harness} Harness */

/**
 * The out-parameter boxes of one GetQueuedCompletionStatus, preset to values no call writes.
 * @param {WinsockApi} ws
 */
function boxes(ws) {
  const bytes = new ws.DWORD(UNTOUCHED_BYTES);
  const key = new ws.ULONG_PTR();
  key.value = UNTOUCHED_KEY;
  const overlapped = new ws.LPOVERLAPPED();
  overlapped.value = new ws.WSAOVERLAPPED(); // a stand-in: a timeout must set it to NULL
  return { bytes, key, overlapped };
}

/**
 * An overlapped WSASend that must complete at once (returns 0) with its whole length.
 * @param {WinsockApi} ws
 * @param {Harness} h
 * @param {InstanceType<WinsockApi['WSAOVERLAPPED']>} [ov]
 */
function sendNow(ws, h, /** @type {number} */ s, /** @type {string} */ text, ov = new ws.WSAOVERLAPPED(), what = `WSASend "${text}"`) {
  const sent = new ws.DWORD(UNTOUCHED_BYTES);
  h.expectOk(ws.WSASend(s, [new ws.WSABUF(Buffer.from(text))], 1, sent, 0, ov, null), what);
  h.assert.equal(sent.value, text.length, `${what}: bytes sent at once`);
  return ov;
}

/**
 * A loopback address nothing listens on: a socket bound there (kept bound, never listening) makes the system
 * refuse connections to it, and no other socket can take the port meanwhile.
 * @param {WinsockApi} ws
 * @param {Harness} h
 */
function refusedAddress(ws, h) {
  const s = h.socket();
  h.expectOk(ws.bind(s, h.loopback(0), 16), 'bind (the refusing port)');
  return h.loopback(h.portOf(s));
}

/**
 * A socket bound to 127.0.0.1, port 0 (ConnectEx needs a bound socket).
 * @param {WinsockApi} ws
 * @param {Harness} h
 */
function boundSocket(ws, h) {
  const s = h.socket();
  h.expectOk(ws.bind(s, h.loopback(0), 16), 'bind');
  return s;
}

/** Resolves after the event loop has turned once (I/O callbacks, timers due, immediates). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Wraps a promise so the case can tell whether it has settled yet.
 * @template T
 * @param {Promise<T>} promise
 */
function watch(promise) {
  const state = { settled: false, promise };
  state.promise = promise.finally(() => {
    state.settled = true;
  });
  return state;
}

/**
 * Checks one OVERLAPPED_ENTRY filled by GetQueuedCompletionStatusEx.
 * @param {Harness} h
 * @param {any} entry
 * @param {{ key: number | bigint, overlapped: object | null, internal: number, bytes: number }} want
 */
function checkEntry(h, entry, want, /** @type {string} */ what) {
  h.assert.equal(entry.lpCompletionKey, want.key, `${what}: lpCompletionKey`);
  h.assert.ok(entry.lpOverlapped === want.overlapped, `${what}: lpOverlapped is not the expected object`);
  h.assert.equal(entry.Internal, want.internal, `${what}: Internal (the NTSTATUS)`);
  h.assert.equal(entry.dwNumberOfBytesTransferred, want.bytes, `${what}: dwNumberOfBytesTransferred`);
}

/** Records completion-routine calls (for the alertable GetQueuedCompletionStatusEx cases). */
function recorder() {
  /** @type {{ tag: string, dwError: number, cb: number, ov: object }[]} */
  const calls = [];
  const routine = (/** @type {string} */ tag) =>
    (/** @type {number} */ dwError, /** @type {number} */ cb, /** @type {object} */ ov) => {
      calls.push({ tag, dwError, cb, ov });
    };
  return { calls, routine };
}

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  // --- Creating and associating ---------------------------------------------------------------------------------
  {
    id: 'completion-ports.create',
    title: 'CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, n) creates a new port for n = 0 (one thread per CPU) and n = 1; each keeps its own packets',
    source: 'MS doc: CreateIoCompletionPort ("NumberOfConcurrentThreads ... If this parameter is zero, the system allows as many ... as there are processors"); wine sock.c test_completion_port',
    async run(ws, h) {
      const any = h.port(0);
      const one = h.port(1);
      h.assert.notEqual(any, one, 'two ports are two handles');
      h.assert.equal(ws.PostQueuedCompletionStatus(any, 1, 10, null), true, 'PostQueuedCompletionStatus(port n=0)');
      h.assert.equal(ws.PostQueuedCompletionStatus(one, 2, 20, null), true, 'PostQueuedCompletionStatus(port n=1)');
      await h.expectPacket(one, { bytes: 2, key: 20, overlapped: null }, 'the packet of the n=1 port');
      await h.expectPacket(any, { bytes: 1, key: 10, overlapped: null }, 'the packet of the n=0 port');
      h.expectNoPacket(any, 'the n=0 port after its one packet');
      h.expectNoPacket(one, 'the n=1 port after its one packet');
    },
  },
  {
    id: 'completion-ports.associate-returns-port',
    title: 'CreateIoCompletionPort(socket, port, key, 0) returns that same port; each socket\'s completions carry its own key',
    source: 'MS doc: CreateIoCompletionPort ("If the ExistingCompletionPort parameter was a valid I/O completion port handle, the return value is that same handle"); wine sock.c test_completion_port',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.assert.equal(ws.CreateIoCompletionPort(client, port, 0x11, 0), port, 'associating the client');
      h.assert.equal(ws.CreateIoCompletionPort(server, port, 0x22, 0), port, 'associating the server with the same port');
      const a = sendNow(ws, h, client, 'ab');
      await h.expectPacket(port, { bytes: 2, key: 0x11, overlapped: a }, 'the client\'s send');
      const b = sendNow(ws, h, server, 'cde');
      await h.expectPacket(port, { bytes: 3, key: 0x22, overlapped: b }, 'the server\'s send');
      h.expectNoPacket(port, 'one packet per operation');
    },
  },
  {
    id: 'completion-ports.create-and-associate-in-one-call',
    title: 'CreateIoCompletionPort(socket, NULL, key, 0) creates a new port and associates the socket with it',
    source: 'MS doc: CreateIoCompletionPort ("If the ExistingCompletionPort parameter is NULL ... creates a new I/O completion port and ... associates it with the specified file handle")',
    async run(ws, h) {
      const other = h.port();
      const { client } = h.pair();
      const port = ws.CreateIoCompletionPort(client, 0, 0x33, 0);
      h.assert.ok(port !== 0 && port !== ws.INVALID_HANDLE_VALUE, `CreateIoCompletionPort(socket, NULL) returned ${port}, last error ${h.errName(ws.WSAGetLastError())}`);
      h.adoptPort(port);
      h.assert.notEqual(port, other, 'a new port');
      const ov = sendNow(ws, h, client, 'new');
      await h.expectPacket(port, { bytes: 3, key: 0x33, overlapped: ov }, 'the send on the new port');
      h.expectNoPacket(other, 'another port gets nothing');
    },
  },
  {
    id: 'completion-ports.failure-returns-null',
    title: 'CreateIoCompletionPort fails with NULL (0), not INVALID_HANDLE_VALUE: a closed socket or a closed port give ERROR_INVALID_HANDLE (6)',
    source: 'MS doc: CreateIoCompletionPort ("If the function fails, the return value is NULL")',
    async run(ws, h) {
      const port = h.port();
      const dead = h.socket();
      h.expectOk(h.close(dead), 'closesocket');
      h.expectError(ws.CreateIoCompletionPort(dead, port, 1, 0), 0, ERROR_INVALID_HANDLE, 'associating a closed socket');
      h.expectError(ws.CreateIoCompletionPort(dead, 0, 1, 0), 0, ERROR_INVALID_HANDLE, 'creating a port for a closed socket');
      const gone = h.port();
      h.assert.equal(h.closePort(gone), true, 'CloseHandle(port)');
      const s = h.socket();
      h.expectError(ws.CreateIoCompletionPort(s, gone, 1, 0), 0, ERROR_INVALID_HANDLE, 'associating with a closed port');
      // The failed call did not associate the socket: it can still be associated.
      h.associate(s, port, 2, 'associating the socket after the failed attempt');
    },
  },
  {
    id: 'completion-ports.reassociation-fails-87',
    title: 'a socket stays associated with its first port: associating it again (another port or the same) fails with ERROR_INVALID_PARAMETER (87)',
    source: 'MS doc: CreateIoCompletionPort ("a handle can be associated with only one I/O completion port"); winsock-semantics.md (completion ports)',
    async run(ws, h) {
      const first = h.port();
      const second = h.port();
      const { client } = h.pair();
      h.associate(client, first, 1);
      h.expectError(ws.CreateIoCompletionPort(client, second, 2, 0), 0, ERROR_INVALID_PARAMETER, 'associating with another port');
      h.expectError(ws.CreateIoCompletionPort(client, first, 3, 0), 0, ERROR_INVALID_PARAMETER, 'associating with the same port again');
      const ov = sendNow(ws, h, client, 'x');
      await h.expectPacket(first, { bytes: 1, key: 1, overlapped: ov }, 'the first port with the first key');
      h.expectNoPacket(second, 'the second port');
    },
  },
  {
    id: 'completion-ports.started-before-association',
    title: 'an operation started before the socket was associated still completes to the port, with the key',
    source: 'wine sock.c test_completion_port ("Test IOCP response on socket close (IOCP created after AcceptEx)"); winsock-semantics.md',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      const buf = Buffer.alloc(16);
      const ov = h.pendingRecv(server, buf, 'WSARecv before the association');
      h.associate(server, port, 0x44);
      h.send(client, 'late');
      await h.expectPacket(port, { bytes: 4, key: 0x44, overlapped: ov }, 'the receive started before the association');
      h.assert.equal(buf.subarray(0, 4).toString(), 'late');
    },
  },

  // --- What is queued ---------------------------------------------------------------------------------------------
  {
    id: 'completion-ports.immediate-completion-queues-packet',
    title: 'an overlapped WSARecv/WSASend that completes at once (returns 0) still queues exactly one packet',
    source: 'wine sock.c test_completion_port ("Test IOCP response on successful immediate read"); MS doc: WSARecv ("the completion indication ... posted")',
    async run(ws, h) {
      const { client, server } = h.pair();
      await h.deliver(client, server, 'abcd');
      const port = h.port();
      h.associate(server, port, 0x55);
      const buf = Buffer.alloc(16);
      const ov = new ws.WSAOVERLAPPED();
      const bytes = new ws.DWORD(UNTOUCHED_BYTES);
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(buf)], 1, bytes, new ws.DWORD(0), ov, null), 'WSARecv of buffered data');
      h.assert.equal(bytes.value, 4, 'bytes received at once');
      await h.expectPacket(port, { bytes: 4, key: 0x55, overlapped: ov }, 'the immediate receive');
      h.expectNoPacket(port, 'one packet for the immediate receive');
      const sent = sendNow(ws, h, server, 'xyz');
      await h.expectPacket(port, { bytes: 3, key: 0x55, overlapped: sent }, 'the immediate send');
      h.expectNoPacket(port, 'one packet for the immediate send');
    },
  },
  {
    id: 'completion-ports.pending-completion-packet',
    title: 'a pending WSARecv queues one packet on completion; by the time it is dequeued its event is set and Internal/InternalHigh are final',
    source: 'wine sock.c iocp_async_read; winsock-semantics.md ("The event (if any) and Internal/InternalHigh are set before the packet is dequeued")',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x66);
      const buf = Buffer.alloc(32);
      const bytes = new ws.DWORD(UNTOUCHED_BYTES);
      const ov = h.pendingRecv(server, buf, 'WSARecv', { bytes });
      h.expectNoPacket(port, 'nothing while the receive pends');
      h.send(client, 'hello');
      await h.expectPacket(port, { bytes: 5, key: 0x66, overlapped: ov }, 'the completed receive');
      h.assert.equal(h.isSignalled(ov.hEvent), true, 'the event was set before the packet was dequeued');
      h.assert.equal(ov.Internal, 0, 'Internal = STATUS_SUCCESS');
      h.assert.equal(ov.InternalHigh, 5, 'InternalHigh = bytes');
      h.assert.equal(buf.subarray(0, 5).toString(), 'hello');
      h.assert.equal(bytes.value, UNTOUCHED_BYTES, 'a pending WSARecv never writes lpNumberOfBytesRecvd');
      h.expectNoPacket(port, 'exactly one packet');
    },
  },
  {
    id: 'completion-ports.immediate-failure-queues-nothing',
    title: 'an overlapped operation that fails at once (an error other than 997) queues no packet and sets no event',
    source: 'wine sock.c test_completion_port ("Test reading from a non-connected socket": WSAENOTCONN, then GQCS WAIT_TIMEOUT); winsock-semantics.md',
    async run(ws, h) {
      const port = h.port();
      const lonely = h.socket();
      h.associate(lonely, port, 1);
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      h.expectError(ws.WSARecv(lonely, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(0), ov, null),
        ws.SOCKET_ERROR, ws.WSAENOTCONN, 'WSARecv on an unconnected socket');
      const { server } = h.pair();
      h.associate(server, port, 2);
      const ov2 = new ws.WSAOVERLAPPED();
      ov2.hEvent = h.event();
      h.expectError(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(8))], 0, new ws.DWORD(), new ws.DWORD(0), ov2, null),
        ws.SOCKET_ERROR, ws.WSAEINVAL, 'WSARecv with dwBufferCount 0');
      h.expectNoPacket(port, 'after two failed starts');
      h.assert.equal(h.isSignalled(ov.hEvent), false, 'the event of the first failed start');
      h.assert.equal(h.isSignalled(ov2.hEvent), false, 'the event of the second failed start');
    },
  },
  {
    id: 'completion-ports.non-overlapped-calls-queue-nothing',
    title: 'connect, send, WSASend without an OVERLAPPED and shutdown on an associated socket queue nothing',
    source: 'wine sock.c test_connect_completion_port ("connect() does not queue completion"), test_shutdown_completion_port ("shutdown() does not queue completion")',
    async run(ws, h) {
      const port = h.port();
      const { socket: listener, port: lport } = h.listener();
      const s = h.socket();
      h.associate(s, port, 7);
      h.expectOk(ws.connect(s, h.loopback(lport), 16), 'connect');
      const server = h.accept(listener);
      h.send(s, 'plain');
      const sent = new ws.DWORD();
      h.expectOk(ws.WSASend(s, [new ws.WSABUF(Buffer.from('more'))], 1, sent, 0, null, null), 'WSASend without OVERLAPPED');
      h.assert.equal(sent.value, 4);
      h.assert.equal((await h.recvExactly(server, 9)).toString(), 'plainmore', 'the peer got both sends');
      h.expectOk(ws.shutdown(s, ws.SD_BOTH), 'shutdown(SD_BOTH)');
      h.expectNoPacket(port, 'after connect, send, WSASend(NULL overlapped) and shutdown');
    },
  },
  {
    id: 'completion-ports.skip-on-success',
    title: 'FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: an operation that succeeds at once queues no packet (the result is in the out-parameters and Internal)',
    source: 'MS doc: SetFileCompletionNotificationModes (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS); wine sock.c test_connect_completion_port ("Skip completion on success")',
    async run(ws, h) {
      const { client, server } = h.pair();
      await h.deliver(server, client, 'data');
      const port = h.port();
      h.associate(client, port, 8);
      h.assert.equal(ws.SetFileCompletionNotificationModes(client, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), true,
        `SetFileCompletionNotificationModes: ${h.errName(ws.WSAGetLastError())}`);
      const ov = sendNow(ws, h, client, 'hello');
      h.assert.equal(ov.Internal, 0, 'Internal of the immediate send');
      h.assert.equal(ov.InternalHigh, 5, 'InternalHigh of the immediate send');
      h.expectNoPacket(port, 'an immediate send queues no packet');
      const buf = Buffer.alloc(16);
      const got = new ws.DWORD(UNTOUCHED_BYTES);
      const ov2 = new ws.WSAOVERLAPPED();
      h.expectOk(ws.WSARecv(client, [new ws.WSABUF(buf)], 1, got, new ws.DWORD(0), ov2, null), 'WSARecv of buffered data');
      h.assert.equal(got.value, 4);
      h.assert.equal(buf.subarray(0, 4).toString(), 'data');
      h.expectNoPacket(port, 'an immediate receive queues no packet');
      h.assert.equal((await h.recvExactly(server, 5)).toString(), 'hello', 'the send did happen');
    },
  },
  {
    id: 'completion-ports.skip-on-success-pending-still-queue',
    title: 'with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, operations that pend still queue their packet, whether they then succeed or fail',
    source: 'MS doc: SetFileCompletionNotificationModes (only a request that "returns success immediately" skips the port); wine sock.c test_connect_completion_port (ConnectEx pends and queues with the flag set)',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 9);
      h.assert.equal(ws.SetFileCompletionNotificationModes(server, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), true, 'SetFileCompletionNotificationModes');
      const ov = h.pendingRecv(server, Buffer.alloc(16), 'WSARecv (to succeed later)');
      h.send(client, 'late');
      await h.expectPacket(port, { bytes: 4, key: 9, overlapped: ov }, 'the pending receive that succeeded');
      const ov2 = h.pendingRecv(server, Buffer.alloc(16), 'WSARecv (to fail later)');
      h.abortiveClose(client);
      await h.expectPacket(port, { ok: false, error: ERROR_NETNAME_DELETED, bytes: 0, key: 9, overlapped: ov2 }, 'the pending receive that failed');
    },
  },
  {
    id: 'completion-ports.skip-modes-accepted-and-sticky',
    title: 'SetFileCompletionNotificationModes accepts FILE_SKIP_SET_EVENT_ON_HANDLE (2) alone (packets still queued) and with 1; a mode once set cannot be turned off',
    source: 'MS doc: SetFileCompletionNotificationModes; winsock-semantics.md ("FILE_SKIP_SET_EVENT_ON_HANDLE (2) is accepted too. Neither can be turned off again")',
    async run(ws, h) {
      const port = h.port();
      const a = h.pair();
      h.associate(a.client, port, 1);
      h.assert.equal(ws.SetFileCompletionNotificationModes(a.client, FILE_SKIP_SET_EVENT_ON_HANDLE), true, 'mode 2');
      const ov = sendNow(ws, h, a.client, 'two');
      await h.expectPacket(port, { bytes: 3, key: 1, overlapped: ov }, 'mode 2 alone does not skip the port');
      const b = h.pair();
      h.associate(b.client, port, 2);
      h.assert.equal(ws.SetFileCompletionNotificationModes(b.client, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE), true, 'modes 1 | 2');
      sendNow(ws, h, b.client, 'three');
      h.expectNoPacket(port, 'modes 1 | 2: an immediate send queues nothing');
      // Setting 0 afterwards does not clear what was set (its own result is not what this case checks).
      ws.SetFileCompletionNotificationModes(b.client, 0);
      sendNow(ws, h, b.client, 'still');
      h.expectNoPacket(port, 'after SetFileCompletionNotificationModes(0): still skipped');
    },
  },
  {
    id: 'completion-ports.event-low-bit-no-packet',
    title: 'hEvent with its low bit set: no packet is queued, but the event is still set and WSAGetOverlappedResult works',
    source: 'MS doc: GetQueuedCompletionStatus ("a valid event handle whose low-order bit is set keeps I/O completion from being queued"); wine sock.c test_connect_completion_port / test_shutdown_completion_port ("Suppress completion by setting the low bit")',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x99);
      const ev = h.event();
      const buf = Buffer.alloc(16);
      const ov = h.pendingRecv(server, buf, 'WSARecv with hEvent | 1', { event: ev | 1 });
      h.send(client, 'low');
      await h.waitEvent(ev, 'the event (without the low bit) of the receive');
      const got = new ws.DWORD();
      h.assert.equal(ws.WSAGetOverlappedResult(server, ov, got, false, new ws.DWORD()), true, `WSAGetOverlappedResult: ${h.errName(ws.WSAGetLastError())}`);
      h.assert.equal(got.value, 3);
      h.assert.equal(buf.subarray(0, 3).toString(), 'low');
      h.expectNoPacket(port, 'the suppressed receive queued nothing');
      // A marker posted now is the first packet out: nothing of the receive was queued before it.
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 0, 0xfeed, null), true, 'PostQueuedCompletionStatus(marker)');
      await h.expectPacket(port, { bytes: 0, key: 0xfeed, overlapped: null }, 'the marker, first out');
      // An immediate completion with the low bit set: event set, no packet.
      const ev2 = h.event();
      const ov2 = new ws.WSAOVERLAPPED();
      ov2.hEvent = ev2 | 1;
      sendNow(ws, h, server, 'x', ov2, 'immediate WSASend with hEvent | 1');
      await h.waitEvent(ev2, 'the event of the immediate send');
      h.expectNoPacket(port, 'the suppressed immediate send queued nothing');
    },
  },
  {
    id: 'completion-ports.routine-on-associated-socket-einval',
    title: 'a completion routine on an associated socket: WSARecv/WSASend fail with WSAEINVAL, start nothing, and the routine never runs',
    source: 'wine sock.c test_WSARecv ("Using completion function on socket associated with completion port is not allowed")',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x10);
      const { calls, routine } = recorder();
      h.expectError(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(16))], 1, new ws.DWORD(), new ws.DWORD(0), new ws.WSAOVERLAPPED(), routine('recv')),
        ws.SOCKET_ERROR, ws.WSAEINVAL, 'WSARecv with a routine on an associated socket');
      h.expectError(ws.WSASend(server, [new ws.WSABUF(Buffer.from('x'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('send')),
        ws.SOCKET_ERROR, ws.WSAEINVAL, 'WSASend with a routine on an associated socket');
      h.send(client, 'kept');
      h.assert.equal(await h.within(ws.SleepExAsync(50, true), 2050, 'SleepExAsync'), 0, 'an alertable wait finds no routine');
      h.assert.equal(calls.length, 0, 'the routines never ran');
      h.expectNoPacket(port, 'the rejected calls queued nothing');
      // The rejected receive took nothing: a real one gets the bytes. The rejected send sent nothing.
      const buf = Buffer.alloc(16);
      const ov = new ws.WSAOVERLAPPED();
      const r = ws.WSARecv(server, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(0), ov, null);
      if (r !== 0) h.expectPending(r, 'a receive without routine');
      await h.expectPacket(port, { bytes: 4, key: 0x10, overlapped: ov }, 'the receive without routine');
      h.assert.equal(buf.subarray(0, 4).toString(), 'kept');
      h.send(server, 'ok');
      h.assert.equal((await h.recvExactly(client, 2)).toString(), 'ok', 'the first bytes the peer gets (the rejected send sent none)');
    },
  },
  {
    id: 'completion-ports.fifo-order',
    title: 'packets come out in the order they were queued (I/O completions and posted packets alike)',
    source: 'MS doc: I/O Completion Ports ("I/O completion packets are queued ... in first-in-first-out (FIFO) order")',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(client, port, 1);
      h.associate(server, port, 2);
      const tag = new ws.WSAOVERLAPPED();
      const first = sendNow(ws, h, client, 'a');
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 11, 3, null), true);
      const second = sendNow(ws, h, server, 'bb');
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 12, 4, tag), true);
      const third = sendNow(ws, h, client, 'ccc');
      await h.expectPacket(port, { bytes: 1, key: 1, overlapped: first }, 'packet 1');
      await h.expectPacket(port, { bytes: 11, key: 3, overlapped: null }, 'packet 2');
      await h.expectPacket(port, { bytes: 2, key: 2, overlapped: second }, 'packet 3');
      await h.expectPacket(port, { bytes: 12, key: 4, overlapped: tag }, 'packet 4');
      await h.expectPacket(port, { bytes: 3, key: 1, overlapped: third }, 'packet 5');
      h.expectNoPacket(port, 'after the five');
    },
  },

  // --- GetQueuedCompletionStatus ----------------------------------------------------------------------------------
  {
    id: 'completion-ports.gqcs-returns-the-very-overlapped',
    title: 'the dequeued lpOverlapped is the very object passed in, a WSAOVERLAPPED subclass included (its own fields intact)',
    source: 'MS doc: GetQueuedCompletionStatus (lpOverlapped: "the address of the OVERLAPPED structure specified when the completed I/O operation was started"); CONTRACT.md (subclassable WSAOVERLAPPED)',
    async run(ws, h) {
      class IocpEvent extends ws.WSAOVERLAPPED {
        constructor(/** @type {string} */ name) {
          super();
          this.name = name;
          this.buffer = Buffer.alloc(16);
        }
      }
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x18);
      const reading = new IocpEvent('read');
      h.pendingRecv(server, reading.buffer, 'WSARecv with a subclass', { ov: reading });
      h.send(client, 'sub');
      const got = await h.expectPacket(port, { bytes: 3, key: 0x18, overlapped: reading }, 'the subclass receive');
      h.assert.ok(got.overlapped instanceof IocpEvent, 'an IocpEvent comes back');
      h.assert.equal(/** @type {any} */ (got.overlapped).name, 'read');
      h.assert.equal(reading.buffer.subarray(0, 3).toString(), 'sub');
      const writing = new IocpEvent('write');
      sendNow(ws, h, server, 'back', writing);
      const sent = await h.expectPacket(port, { bytes: 4, key: 0x18, overlapped: writing }, 'the subclass send');
      h.assert.equal(/** @type {any} */ (sent.overlapped).name, 'write');
      const posted = new IocpEvent('posted');
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 1, 2, posted), true);
      await h.expectPacket(port, { bytes: 1, key: 2, overlapped: posted }, 'a posted subclass');
    },
  },
  {
    id: 'completion-ports.gqcs-success-fills-and-keeps-last-error',
    title: 'GetQueuedCompletionStatus success: TRUE, bytes/key/overlapped filled, the last error left as it was',
    source: 'wine sock.c test_completion_port (ok(GetLastError() == 0xdeadbeef) after a TRUE result)',
    async run(ws, h) {
      const port = h.port();
      const { client } = h.pair();
      h.associate(client, port, 0x77);
      const ov = sendNow(ws, h, client, 'x');
      const b = boxes(ws);
      ws.WSASetLastError(LAST_ERROR_SENTINEL);
      // The packet is already queued: the blocking form returns at once.
      h.assert.equal(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, h.timeoutMs), true, 'GetQueuedCompletionStatus');
      h.assert.equal(ws.WSAGetLastError(), LAST_ERROR_SENTINEL, 'last error untouched by a success');
      h.assert.equal(b.bytes.value, 1);
      h.assert.equal(b.key.value, 0x77);
      h.assert.ok(b.overlapped.value === ov, 'lpOverlapped is the send\'s overlapped');
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 5, 6, ov), true);
      ws.WSASetLastError(LAST_ERROR_SENTINEL);
      h.assert.equal(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, h.timeoutMs), true, 'GetQueuedCompletionStatus (posted)');
      h.assert.equal(ws.WSAGetLastError(), LAST_ERROR_SENTINEL, 'last error untouched by a success (posted packet)');
      h.assert.deepEqual([b.bytes.value, b.key.value, b.overlapped.value === ov], [5, 6, true]);
    },
  },
  {
    id: 'completion-ports.gqcs-blocking-wait-gets-kernel-completion',
    title: 'a blocking GetQueuedCompletionStatus returns the packet of a receive completed by loopback data already sent',
    source: 'wine sock.c iocp_async_read (send, then GetQueuedCompletionStatus(port, ..., 100) returns the packet)',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x20);
      const buf = Buffer.alloc(16);
      const ov = h.pendingRecv(server, buf);
      h.send(client, 'kernel');
      const b = boxes(ws);
      h.assert.equal(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, h.timeoutMs), true,
        `blocking GetQueuedCompletionStatus: last error ${ws.WSAGetLastError()}`);
      h.assert.deepEqual([b.bytes.value, b.key.value, b.overlapped.value === ov], [6, 0x20, true]);
      h.assert.equal(buf.subarray(0, 6).toString(), 'kernel');
    },
  },
  {
    id: 'completion-ports.failed-peer-reset',
    title: 'a receive failed by a peer reset: FALSE, ERROR_NETNAME_DELETED (64), overlapped and key filled, 0 bytes; WSAGetOverlappedResult says WSAECONNRESET',
    source: 'wine sock.c test_completion_port (close_with_rst: ERROR_NETNAME_DELETED, key, olp, 0 bytes); wine sock.c map_status (STATUS_CONNECTION_RESET -> WSAECONNRESET)',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x21);
      const ov = h.pendingRecv(server, Buffer.alloc(16));
      h.abortiveClose(client);
      await h.expectPacket(port, { ok: false, error: ERROR_NETNAME_DELETED, bytes: 0, key: 0x21, overlapped: ov }, 'the receive failed by a reset');
      h.assert.ok(isNtError(ov.Internal), `Internal is an NTSTATUS error, got 0x${ov.Internal.toString(16)}`);
      h.assert.equal(ov.InternalHigh, 0);
      h.expectError(ws.WSAGetOverlappedResult(server, ov, new ws.DWORD(), false, new ws.DWORD()), false, ws.WSAECONNRESET, 'WSAGetOverlappedResult');
      h.expectNoPacket(port, 'one packet for the failed receive');
    },
  },
  {
    id: 'completion-ports.failed-own-close',
    title: 'closesocket with a receive pending: FALSE, ERROR_CONNECTION_ABORTED (1236), Internal STATUS_CONNECTION_ABORTED, 0 bytes; WSAGetOverlappedResult says WSAECONNABORTED',
    source: 'wine sock.c iocp_async_read_closesocket (ERROR_CONNECTION_ABORTED, STATUS_CONNECTION_ABORTED on Windows); wine sock.c map_status (STATUS_CONNECTION_ABORTED -> WSAECONNABORTED)',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x22);
      const ov = h.pendingRecv(server, Buffer.alloc(16));
      h.expectOk(h.close(server), 'closesocket with a receive pending');
      await h.expectPacket(port, { ok: false, error: ERROR_CONNECTION_ABORTED, bytes: 0, key: 0x22, overlapped: ov }, 'the receive aborted by closesocket');
      h.assert.equal(ov.Internal, STATUS_CONNECTION_ABORTED, 'Internal');
      h.assert.equal(ov.InternalHigh, 0);
      // The operation's own socket is gone; WSAGetOverlappedResult validates the socket it is given and maps the
      // finished operation's status (as wine's test_WSAGetOverlappedResult does with an unrelated socket).
      h.expectError(ws.WSAGetOverlappedResult(client, ov, new ws.DWORD(), false, new ws.DWORD()), false, ws.WSAECONNABORTED, 'WSAGetOverlappedResult');
    },
  },
  {
    id: 'completion-ports.failed-cancelioex',
    title: 'CancelIoEx(s, ov) cancels that operation only: FALSE, ERROR_OPERATION_ABORTED (995), Internal STATUS_CANCELLED, 0 bytes; CancelIoEx(s, NULL) cancels all',
    source: 'MS doc: CancelIoEx; wine sock.c test_completion_port (olp->Internal == STATUS_CANCELLED with ERROR_OPERATION_ABORTED); wine sock.c map_status (STATUS_CANCELLED -> 995)',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x23);
      const keep = Buffer.alloc(16);
      const first = h.pendingRecv(server, keep, 'WSARecv 1');
      const second = h.pendingRecv(server, Buffer.alloc(16), 'WSARecv 2');
      h.assert.equal(ws.CancelIoEx(server, second), true, `CancelIoEx(s, second): ${ws.WSAGetLastError()}`);
      await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: 0x23, overlapped: second }, 'the cancelled receive');
      h.assert.equal(second.Internal, STATUS_CANCELLED, 'Internal');
      h.assert.equal(second.InternalHigh, 0);
      h.expectError(ws.WSAGetOverlappedResult(server, second, new ws.DWORD(), false, new ws.DWORD()), false, ERROR_OPERATION_ABORTED, 'WSAGetOverlappedResult');
      h.assert.equal(first.Internal, ws.STATUS_PENDING, 'the other receive still pends');
      h.send(client, 'kept');
      await h.expectPacket(port, { bytes: 4, key: 0x23, overlapped: first }, 'the receive not cancelled');
      h.assert.equal(keep.subarray(0, 4).toString(), 'kept');
      const third = h.pendingRecv(server, Buffer.alloc(16), 'WSARecv 3');
      const fourth = h.pendingRecv(server, Buffer.alloc(16), 'WSARecv 4');
      h.assert.equal(ws.CancelIoEx(server, null), true, 'CancelIoEx(s, NULL)');
      const a = await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: 0x23 }, 'cancelled by CancelIoEx(NULL), 1');
      const b = await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: 0x23 }, 'cancelled by CancelIoEx(NULL), 2');
      h.assert.ok(new Set([a.overlapped, b.overlapped]).size === 2 && [third, fourth].every((o) => o === a.overlapped || o === b.overlapped),
        'both pending receives were cancelled');
      h.expectNoPacket(port, 'nothing else');
    },
  },
  {
    id: 'completion-ports.failed-connectex-refused',
    title: 'a refused ConnectEx: FALSE, ERROR_CONNECTION_REFUSED (1225), Internal STATUS_CONNECTION_REFUSED, 0 bytes; WSAGetOverlappedResult says WSAECONNREFUSED',
    source: 'wine sock.c test_connect_completion_port ("Connect to an invalid address": ERROR_CONNECTION_REFUSED, key, overlapped); wine sock.c map_status (STATUS_CONNECTION_REFUSED -> WSAECONNREFUSED)',
    async run(ws, h) {
      const port = h.port();
      const target = refusedAddress(ws, h);
      const s = boundSocket(ws, h);
      h.associate(s, port, 0x24);
      const ov = new ws.WSAOVERLAPPED();
      h.expectError(ws.ConnectEx(s, target, 16, null, 0, new ws.DWORD(), ov), false, ERROR_IO_PENDING, 'ConnectEx to a refusing port');
      await h.expectPacket(port, { ok: false, error: ERROR_CONNECTION_REFUSED, bytes: 0, key: 0x24, overlapped: ov }, 'the refused ConnectEx', REFUSED_MS);
      h.assert.equal(ov.Internal, STATUS_CONNECTION_REFUSED, 'Internal');
      h.expectError(ws.WSAGetOverlappedResult(s, ov, new ws.DWORD(), false, new ws.DWORD()), false, ws.WSAECONNREFUSED, 'WSAGetOverlappedResult');
    },
  },
  {
    id: 'completion-ports.graceful-close-true-zero',
    title: 'a receive ended by the peer\'s graceful close: TRUE with 0 bytes (pending, and again at once after the end of stream)',
    source: 'wine sock.c test_completion_port ("Test IOCP response on graceful shutdown": TRUE, 0 bytes, key, olp)',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x25);
      const ov = h.pendingRecv(server, Buffer.alloc(16));
      h.expectOk(h.close(client), 'closesocket(peer)');
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0x25, overlapped: ov }, 'the receive ended by a graceful close');
      h.assert.equal(ov.Internal, 0, 'Internal = STATUS_SUCCESS');
      const again = new ws.WSAOVERLAPPED();
      const got = new ws.DWORD(UNTOUCHED_BYTES);
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(16))], 1, got, new ws.DWORD(0), again, null), 'a receive after the end of stream');
      h.assert.equal(got.value, 0);
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0x25, overlapped: again }, 'the immediate 0-byte receive');
    },
  },
  {
    id: 'completion-ports.gqcs-timeout',
    title: 'GetQueuedCompletionStatus timing out: FALSE, WAIT_TIMEOUT (258), *lpOverlapped set to NULL, bytes and key untouched',
    source: 'wine sock.c iocp_async_read (WAIT_TIMEOUT, bytes 0xdeadbeef, key 0xdeadbeef, ovl NULL); MS doc: GetQueuedCompletionStatus',
    async run(ws, h) {
      const port = h.port();
      const b = boxes(ws);
      const start = Date.now();
      h.expectError(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, 50), false, WAIT_TIMEOUT, 'GetQueuedCompletionStatus(50 ms)');
      const waited = Date.now() - start;
      h.assert.equal(ws.GetLastError(), WAIT_TIMEOUT, 'GetLastError() reads the same value as WSAGetLastError()');
      h.assert.ok(waited >= 40, `it waited (${waited} ms)`);
      h.assert.equal(b.overlapped.value, null, '*lpOverlapped = NULL');
      h.assert.equal(b.bytes.value, UNTOUCHED_BYTES, 'bytes untouched');
      h.assert.equal(b.key.value, UNTOUCHED_KEY, 'key untouched');
    },
  },
  {
    id: 'completion-ports.gqcs-timeout-zero-polls',
    title: 'GetQueuedCompletionStatus with timeout 0 polls: FALSE, 258 at once on an empty port; TRUE with a queued packet',
    source: 'MS doc: GetQueuedCompletionStatus ("If dwMilliseconds is zero and there is no I/O operation to dequeue, the function will time out immediately")',
    async run(ws, h) {
      const port = h.port();
      const b = boxes(ws);
      const start = Date.now();
      h.expectError(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, 0), false, WAIT_TIMEOUT, 'GetQueuedCompletionStatus(0) on an empty port');
      h.assert.ok(Date.now() - start < 1000, 'a poll returns at once');
      h.assert.deepEqual([b.overlapped.value, b.bytes.value, b.key.value], [null, UNTOUCHED_BYTES, UNTOUCHED_KEY]);
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 3, 4, null), true);
      h.assert.equal(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, 0), true, 'GetQueuedCompletionStatus(0) with a packet');
      h.assert.deepEqual([b.overlapped.value, b.bytes.value, b.key.value], [null, 3, 4]);
    },
  },

  // --- PostQueuedCompletionStatus ---------------------------------------------------------------------------------
  {
    id: 'completion-ports.post-verbatim',
    title: 'PostQueuedCompletionStatus(port, bytes, key, ov): dequeued verbatim (the full DWORD, number keys above 32 bits, the very overlapped)',
    source: 'MS doc: PostQueuedCompletionStatus',
    async run(ws, h) {
      const port = h.port();
      const ov = new ws.WSAOVERLAPPED();
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 1234, 0x5678, ov), true, 'PostQueuedCompletionStatus');
      await h.expectPacket(port, { ok: true, bytes: 1234, key: 0x5678, overlapped: ov }, 'the posted packet');
      const big = 2 ** 52 + 1;
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 0xffffffff, big, ov), true);
      const got = await h.expectPacket(port, { ok: true, bytes: 0xffffffff, key: big, overlapped: ov }, 'the largest DWORD and a 53-bit key');
      h.assert.equal(typeof got.key, 'number', 'a number key comes back a number');
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 0, 0, ov), true);
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0, overlapped: ov }, 'zero bytes, key 0');
      h.expectNoPacket(port, 'one packet per post');
    },
  },
  {
    id: 'completion-ports.post-bigint-keys',
    title: 'bigint completion keys come back as the same bigint (64-bit values included), from posts and from associations',
    source: 'MS doc: PostQueuedCompletionStatus / CreateIoCompletionPort (CompletionKey is a ULONG_PTR); api.md (ULONG_PTR: number | bigint)',
    async run(ws, h) {
      const port = h.port();
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 1, 0xffffffffffffffffn, null), true);
      await h.expectPacket(port, { bytes: 1, key: 0xffffffffffffffffn, overlapped: null }, 'the largest ULONG_PTR');
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 2, 5n, null), true);
      await h.expectPacket(port, { bytes: 2, key: 5n, overlapped: null }, 'a small bigint stays a bigint');
      const { client } = h.pair();
      h.associate(client, port, 0x8000000000000001n);
      const ov = sendNow(ws, h, client, 'big');
      await h.expectPacket(port, { bytes: 3, key: 0x8000000000000001n, overlapped: ov }, 'an association\'s bigint key');
    },
  },
  {
    id: 'completion-ports.post-null-overlapped',
    title: 'a packet posted with a NULL overlapped: GetQueuedCompletionStatus returns TRUE with *lpOverlapped NULL (the return value, not the pointer, tells it from a timeout)',
    source: 'MS doc: GetQueuedCompletionStatus (return value); winsock-semantics.md',
    async run(ws, h) {
      const port = h.port();
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 9, 10, null), true);
      const b = boxes(ws);
      ws.WSASetLastError(LAST_ERROR_SENTINEL);
      h.assert.equal(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, h.timeoutMs), true, 'the posted packet: TRUE');
      h.assert.equal(ws.WSAGetLastError(), LAST_ERROR_SENTINEL, 'last error untouched');
      h.assert.deepEqual([b.overlapped.value, b.bytes.value, b.key.value], [null, 9, 10]);
      const t = boxes(ws);
      h.expectError(ws.GetQueuedCompletionStatus(port, t.bytes, t.key, t.overlapped, 0), false, WAIT_TIMEOUT, 'then the empty port: FALSE');
      h.assert.equal(t.overlapped.value, null, 'NULL as well');
    },
  },

  // --- The port closed --------------------------------------------------------------------------------------------
  {
    id: 'completion-ports.port-closed-during-async-wait',
    title: 'CloseHandle(port) while a GetQueuedCompletionStatusAsync waits on it: it resolves FALSE with ERROR_ABANDONED_WAIT_0 (735) and *lpOverlapped NULL',
    source: 'MS doc: GetQueuedCompletionStatus ("If ... the completion port handle ... is closed while the call is outstanding, the function returns FALSE, *lpOverlapped will be NULL, and GetLastError will return ERROR_ABANDONED_WAIT_0")',
    async run(ws, h) {
      const port = h.port();
      const b = boxes(ws);
      const wait = watch(ws.GetQueuedCompletionStatusAsync(port, b.bytes, b.key, b.overlapped, h.timeoutMs));
      await turn();
      h.assert.equal(wait.settled, false, 'the wait pends on an empty port');
      h.assert.equal(h.closePort(port), true, 'CloseHandle(port) during the wait');
      const ok = await h.within(wait.promise, h.timeoutMs + 2000, 'the wait on the closed port');
      const error = ws.WSAGetLastError();
      h.assert.equal(ok, false, 'resolves FALSE');
      h.assert.equal(error, ERROR_ABANDONED_WAIT_0, 'last error');
      h.assert.equal(b.overlapped.value, null, '*lpOverlapped = NULL');
    },
  },
  {
    id: 'completion-ports.closed-port-invalid-handle',
    title: 'a closed port: waiting (blocking, Async, Ex), posting and closing it again fail with ERROR_INVALID_HANDLE (6), at once',
    source: 'MS doc: GetQueuedCompletionStatus / CloseHandle ("If the function fails ... GetLastError")',
    async run(ws, h) {
      const port = h.port();
      h.assert.equal(h.closePort(port), true, 'CloseHandle(port)');
      const b = boxes(ws);
      const start = Date.now();
      h.expectError(ws.GetQueuedCompletionStatus(port, b.bytes, b.key, b.overlapped, h.timeoutMs), false, ERROR_INVALID_HANDLE, 'GetQueuedCompletionStatus on a closed port');
      h.assert.ok(Date.now() - start < 1000, 'fails at once instead of waiting');
      const ok = await h.within(ws.GetQueuedCompletionStatusAsync(port, b.bytes, b.key, b.overlapped, h.timeoutMs), h.timeoutMs + 2000, 'GetQueuedCompletionStatusAsync');
      h.expectError(ok, false, ERROR_INVALID_HANDLE, 'GetQueuedCompletionStatusAsync on a closed port');
      const entries = [new ws.OVERLAPPED_ENTRY()];
      h.expectError(ws.GetQueuedCompletionStatusEx(port, entries, 1, new ws.ULONG(), 0, false), false, ERROR_INVALID_HANDLE, 'GetQueuedCompletionStatusEx on a closed port');
      h.expectError(ws.PostQueuedCompletionStatus(port, 1, 1, null), false, ERROR_INVALID_HANDLE, 'PostQueuedCompletionStatus to a closed port');
      h.expectError(ws.CloseHandle(port), false, ERROR_INVALID_HANDLE, 'CloseHandle of a closed port');
    },
  },

  // --- GetQueuedCompletionStatusEx --------------------------------------------------------------------------------
  {
    id: 'completion-ports.gqcsex-batch',
    title: 'GetQueuedCompletionStatusEx removes several packets in one call, FIFO, each entry with its key, overlapped, Internal and bytes',
    source: 'MS doc: GetQueuedCompletionStatusEx; MS doc: OVERLAPPED_ENTRY',
    async run(ws, h) {
      const { client, server } = h.pair();
      await h.deliver(client, server, 'four');
      const port = h.port();
      h.associate(client, port, 1);
      h.associate(server, port, 2);
      const received = new ws.WSAOVERLAPPED();
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(16))], 1, new ws.DWORD(), new ws.DWORD(0), received, null), 'WSARecv of buffered data');
      const sent = sendNow(ws, h, client, 'hello');
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 42, 3n, null), true);
      const entries = Array.from({ length: 4 }, () => new ws.OVERLAPPED_ENTRY());
      const removed = new ws.ULONG(UNTOUCHED_BYTES);
      // All three are queued already: the call returns at once with every one of them.
      h.assert.equal(ws.GetQueuedCompletionStatusEx(port, entries, 4, removed, h.timeoutMs, false), true,
        `GetQueuedCompletionStatusEx: last error ${ws.WSAGetLastError()}`);
      h.assert.equal(removed.value, 3, 'ulNumEntriesRemoved');
      checkEntry(h, entries[0], { key: 2, overlapped: received, internal: 0, bytes: 4 }, 'entry 0 (the receive)');
      checkEntry(h, entries[1], { key: 1, overlapped: sent, internal: 0, bytes: 5 }, 'entry 1 (the send)');
      checkEntry(h, entries[2], { key: 3n, overlapped: null, internal: 0, bytes: 42 }, 'entry 2 (the post)');
      h.expectNoPacket(port, 'all three were removed');
    },
  },
  {
    id: 'completion-ports.gqcsex-count-limit',
    title: 'GetQueuedCompletionStatusEx removes at most ulCount packets; the rest stay queued for the next call',
    source: 'MS doc: GetQueuedCompletionStatusEx (ulCount: "The maximum number of entries to remove")',
    async run(ws, h) {
      const port = h.port();
      for (const key of [1, 2, 3]) h.assert.equal(ws.PostQueuedCompletionStatus(port, key * 10, key, null), true);
      const entries = Array.from({ length: 4 }, () => new ws.OVERLAPPED_ENTRY());
      const removed = new ws.ULONG();
      h.assert.equal(ws.GetQueuedCompletionStatusEx(port, entries, 2, removed, 0, false), true, 'the first call (ulCount 2)');
      h.assert.equal(removed.value, 2);
      checkEntry(h, entries[0], { key: 1, overlapped: null, internal: 0, bytes: 10 }, 'first call, entry 0');
      checkEntry(h, entries[1], { key: 2, overlapped: null, internal: 0, bytes: 20 }, 'first call, entry 1');
      h.assert.equal(ws.GetQueuedCompletionStatusEx(port, entries, 2, removed, 0, false), true, 'the second call');
      h.assert.equal(removed.value, 1);
      checkEntry(h, entries[0], { key: 3, overlapped: null, internal: 0, bytes: 30 }, 'second call, entry 0');
    },
  },
  {
    id: 'completion-ports.gqcsex-failed-entry',
    title: 'GetQueuedCompletionStatusEx returns TRUE for a failed operation too; the entry\'s Internal holds its NTSTATUS (STATUS_CANCELLED)',
    source: 'MS doc: GetQueuedCompletionStatusEx / OVERLAPPED_ENTRY (Internal); winsock-semantics.md ("each entry\'s status is in its overlapped\'s Internal")',
    async run(ws, h) {
      const port = h.port();
      const { server } = h.pair();
      h.associate(server, port, 0x35);
      const ov = h.pendingRecv(server, Buffer.alloc(16));
      h.assert.equal(ws.CancelIoEx(server, ov), true, 'CancelIoEx');
      const entries = [new ws.OVERLAPPED_ENTRY(), new ws.OVERLAPPED_ENTRY()];
      const removed = new ws.ULONG();
      // The cancelled receive completes at once: the kernel queues its packet.
      h.assert.equal(ws.GetQueuedCompletionStatusEx(port, entries, 2, removed, h.timeoutMs, false), true,
        `GetQueuedCompletionStatusEx: last error ${ws.WSAGetLastError()}`);
      h.assert.equal(removed.value, 1);
      checkEntry(h, entries[0], { key: 0x35, overlapped: ov, internal: STATUS_CANCELLED, bytes: 0 }, 'the cancelled receive');
    },
  },
  {
    id: 'completion-ports.gqcsex-timeout',
    title: 'GetQueuedCompletionStatusEx on an empty port: FALSE with WAIT_TIMEOUT (258) after the timeout, at once with timeout 0',
    source: 'MS doc: GetQueuedCompletionStatusEx; winsock-semantics.md',
    async run(ws, h) {
      const port = h.port();
      const entries = [new ws.OVERLAPPED_ENTRY()];
      const start = Date.now();
      h.expectError(ws.GetQueuedCompletionStatusEx(port, entries, 1, new ws.ULONG(), 50, false), false, WAIT_TIMEOUT, 'GetQueuedCompletionStatusEx(50 ms)');
      const waited = Date.now() - start;
      h.assert.ok(waited >= 40, `it waited (${waited} ms)`);
      const poll = Date.now();
      h.expectError(ws.GetQueuedCompletionStatusEx(port, entries, 1, new ws.ULONG(), 0, false), false, WAIT_TIMEOUT, 'GetQueuedCompletionStatusEx(0)');
      h.assert.ok(Date.now() - poll < 1000, 'a poll returns at once');
    },
  },
  {
    id: 'completion-ports.gqcsex-alertable-runs-routines',
    title: 'alertable GetQueuedCompletionStatusEx with no packet and queued completion routines: the routines run, then FALSE with WAIT_IO_COMPLETION (192)',
    source: 'MS doc: GetQueuedCompletionStatusEx (fAlertable: "returns when the system queues an I/O completion routine or APC routine to the thread"; GetLastError WAIT_IO_COMPLETION)',
    async run(ws, h) {
      const port = h.port();
      const { client } = h.pair(); // not associated: its routines go to this thread
      const { calls, routine } = recorder();
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('r1'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('r1')), 'WSASend r1');
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('r2'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('r2')), 'WSASend r2');
      const entries = [new ws.OVERLAPPED_ENTRY()];
      h.expectError(ws.GetQueuedCompletionStatusEx(port, entries, 1, new ws.ULONG(), 0, false), false, WAIT_TIMEOUT, 'a non-alertable poll');
      h.assert.equal(calls.length, 0, 'a non-alertable wait runs no routine');
      // The routines are queued already: the alertable wait returns at once.
      h.expectError(ws.GetQueuedCompletionStatusEx(port, entries, 1, new ws.ULONG(), h.timeoutMs, true), false, WAIT_IO_COMPLETION, 'the alertable wait');
      h.assert.deepEqual(calls.map((c) => [c.tag, c.dwError, c.cb]), [['r1', 0, 2], ['r2', 0, 2]], 'both routines ran, in order');
      h.assert.equal(ws.SleepEx(0, true), 0, 'nothing left to run');
    },
  },
  {
    id: 'completion-ports.gqcsex-alertable-packet-first',
    title: 'alertable GetQueuedCompletionStatusEx with a packet and a routine both pending: the packet is returned and the routine does not run',
    source: 'winsock-semantics.md ("a packet and a routine both pending: the packet is returned and the routine does not run"); MS doc: GetQueuedCompletionStatusEx',
    async run(ws, h) {
      const port = h.port();
      const { client } = h.pair();
      const { calls, routine } = recorder();
      h.assert.equal(ws.PostQueuedCompletionStatus(port, 7, 8, null), true);
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('r'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('r')), 'WSASend with a routine');
      const entries = [new ws.OVERLAPPED_ENTRY(), new ws.OVERLAPPED_ENTRY()];
      const removed = new ws.ULONG();
      h.assert.equal(ws.GetQueuedCompletionStatusEx(port, entries, 2, removed, h.timeoutMs, true), true, `the alertable wait: last error ${ws.WSAGetLastError()}`);
      h.assert.equal(removed.value, 1);
      checkEntry(h, entries[0], { key: 8, overlapped: null, internal: 0, bytes: 7 }, 'the posted packet');
      h.assert.equal(calls.length, 0, 'the routine has not run');
      h.assert.equal(ws.SleepEx(0, true), WAIT_IO_COMPLETION, 'the routine runs in the next alertable wait');
      h.assert.equal(calls.length, 1);
    },
  },

  // --- The Async forms --------------------------------------------------------------------------------------------
  {
    id: 'completion-ports.async-gqcs',
    title: 'GetQueuedCompletionStatusAsync pends without blocking, then resolves with the blocking form\'s results and filled boxes (success, queued packet, failure)',
    source: 'api.md (GetQueuedCompletionStatusAsync: same arguments and results, boxes filled before it resolves); MS doc: GetQueuedCompletionStatus',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x39);
      const buf = Buffer.alloc(16);
      const ov = h.pendingRecv(server, buf);
      const b = boxes(ws);
      const wait = watch(ws.GetQueuedCompletionStatusAsync(port, b.bytes, b.key, b.overlapped, h.timeoutMs));
      await turn();
      h.assert.equal(wait.settled, false, 'pending while nothing is queued');
      h.send(client, 'async');
      h.assert.equal(await h.within(wait.promise, h.timeoutMs + 2000, 'GetQueuedCompletionStatusAsync'), true, 'resolves TRUE');
      h.assert.deepEqual([b.bytes.value, b.key.value, b.overlapped.value === ov], [5, 0x39, true], 'bytes, key, overlapped');
      h.assert.equal(buf.subarray(0, 5).toString(), 'async');
      const sent = sendNow(ws, h, server, 'x');
      h.assert.equal(await h.within(ws.GetQueuedCompletionStatusAsync(port, b.bytes, b.key, b.overlapped, h.timeoutMs), h.timeoutMs + 2000), true, 'a queued packet');
      h.assert.deepEqual([b.bytes.value, b.key.value, b.overlapped.value === sent], [1, 0x39, true]);
      const cancelled = h.pendingRecv(server, Buffer.alloc(16));
      h.assert.equal(ws.CancelIoEx(server, cancelled), true, 'CancelIoEx');
      const f = boxes(ws);
      const ok = await h.within(ws.GetQueuedCompletionStatusAsync(port, f.bytes, f.key, f.overlapped, h.timeoutMs), h.timeoutMs + 2000, 'the failed operation');
      h.expectError(ok, false, ERROR_OPERATION_ABORTED, 'GetQueuedCompletionStatusAsync of a cancelled receive');
      h.assert.deepEqual([f.bytes.value, f.key.value, f.overlapped.value === cancelled], [0, 0x39, true], 'bytes 0, key, overlapped');
    },
  },
  {
    id: 'completion-ports.async-gqcs-timeout',
    title: 'GetQueuedCompletionStatusAsync timing out: FALSE, 258, *lpOverlapped NULL, bytes and key untouched; timeout 0 polls; the event loop runs meanwhile',
    source: 'api.md (GetQueuedCompletionStatusAsync never blocks the loop); MS doc: GetQueuedCompletionStatus',
    async run(ws, h) {
      const port = h.port();
      const b = boxes(ws);
      let ticked = false;
      const timer = setTimeout(() => {
        ticked = true;
      }, 10);
      const start = Date.now();
      const ok = await h.within(ws.GetQueuedCompletionStatusAsync(port, b.bytes, b.key, b.overlapped, 200), 2200, 'GetQueuedCompletionStatusAsync(200 ms)');
      const error = ws.WSAGetLastError();
      clearTimeout(timer);
      h.assert.equal(ok, false);
      h.assert.equal(error, WAIT_TIMEOUT, 'last error');
      h.assert.ok(Date.now() - start >= 150, `it waited (${Date.now() - start} ms)`);
      h.assert.equal(ticked, true, 'a 10 ms timer fired during the 200 ms wait');
      h.assert.deepEqual([b.overlapped.value, b.bytes.value, b.key.value], [null, UNTOUCHED_BYTES, UNTOUCHED_KEY]);
      const p = boxes(ws);
      const poll = Date.now();
      const polled = await h.within(ws.GetQueuedCompletionStatusAsync(port, p.bytes, p.key, p.overlapped, 0), 2000, 'GetQueuedCompletionStatusAsync(0)');
      h.expectError(polled, false, WAIT_TIMEOUT, 'the Async poll');
      h.assert.ok(Date.now() - poll < 1000, 'the Async poll resolves at once');
      h.assert.equal(p.overlapped.value, null);
    },
  },
  {
    id: 'completion-ports.async-gqcsex',
    title: 'GetQueuedCompletionStatusExAsync resolves like the blocking form: a batch, a packet arriving later, a timeout (258), an alertable wait running routines (192)',
    source: 'api.md (GetQueuedCompletionStatusExAsync: same arguments and results); MS doc: GetQueuedCompletionStatusEx',
    async run(ws, h) {
      const port = h.port();
      const entries = Array.from({ length: 4 }, () => new ws.OVERLAPPED_ENTRY());
      const removed = new ws.ULONG();
      for (const key of [1, 2, 3]) h.assert.equal(ws.PostQueuedCompletionStatus(port, key, key, null), true);
      h.assert.equal(await h.within(ws.GetQueuedCompletionStatusExAsync(port, entries, 4, removed, h.timeoutMs, false), h.timeoutMs + 2000), true, 'a queued batch');
      h.assert.equal(removed.value, 3);
      [1, 2, 3].forEach((key, i) => checkEntry(h, entries[i], { key, overlapped: null, internal: 0, bytes: key }, `batch entry ${i}`));

      const { client, server } = h.pair();
      h.associate(server, port, 0x41);
      const ov = h.pendingRecv(server, Buffer.alloc(16));
      const wait = watch(ws.GetQueuedCompletionStatusExAsync(port, entries, 4, removed, h.timeoutMs, false));
      await turn();
      h.assert.equal(wait.settled, false, 'pending on an empty port');
      h.send(client, 'ex');
      h.assert.equal(await h.within(wait.promise, h.timeoutMs + 2000, 'GetQueuedCompletionStatusExAsync'), true, 'the packet arrived');
      h.assert.equal(removed.value, 1);
      checkEntry(h, entries[0], { key: 0x41, overlapped: ov, internal: 0, bytes: 2 }, 'the receive');

      const timedOut = await h.within(ws.GetQueuedCompletionStatusExAsync(port, entries, 1, removed, 50, false), 2050, 'the Async timeout');
      h.expectError(timedOut, false, WAIT_TIMEOUT, 'GetQueuedCompletionStatusExAsync(50 ms)');

      const { calls, routine } = recorder();
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('apc'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('apc')), 'WSASend with a routine');
      const alerted = await h.within(ws.GetQueuedCompletionStatusExAsync(port, entries, 1, removed, h.timeoutMs, true), h.timeoutMs + 2000, 'the alertable Async wait');
      h.expectError(alerted, false, WAIT_IO_COMPLETION, 'alertable GetQueuedCompletionStatusExAsync');
      h.assert.deepEqual(calls.map((c) => [c.tag, c.dwError, c.cb]), [['apc', 0, 3]], 'the routine ran');
    },
  },

  // --- Cancelling -------------------------------------------------------------------------------------------------
  {
    id: 'completion-ports.cancelioex-nothing-found',
    title: 'CancelIoEx with nothing to cancel fails with ERROR_NOT_FOUND (1168): no operation, an unused or completed overlapped, another socket\'s operation',
    source: 'MS doc: CancelIoEx ("If the function cannot find a request to cancel ... GetLastError returns ERROR_NOT_FOUND"); wine sock.c test_send_buffering',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x42);
      h.expectError(ws.CancelIoEx(server, null), false, ERROR_NOT_FOUND, 'CancelIoEx(s, NULL) with nothing pending');
      h.expectError(ws.CancelIoEx(server, new ws.WSAOVERLAPPED()), false, ERROR_NOT_FOUND, 'CancelIoEx with an unused overlapped');
      const done = sendNow(ws, h, server, 'x');
      await h.expectPacket(port, { bytes: 1, key: 0x42, overlapped: done }, 'the completed send');
      h.expectError(ws.CancelIoEx(server, done), false, ERROR_NOT_FOUND, 'CancelIoEx of a completed operation');
      const pending = h.pendingRecv(server, Buffer.alloc(8));
      h.expectError(ws.CancelIoEx(client, pending), false, ERROR_NOT_FOUND, 'CancelIoEx on another socket than the operation\'s');
      h.assert.equal(pending.Internal, ws.STATUS_PENDING, 'the receive still pends');
      h.expectNoPacket(port, 'the failed cancels queued nothing');
      h.assert.equal(ws.CancelIoEx(server, pending), true, 'CancelIoEx on its own socket');
      await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, overlapped: pending }, 'the cancelled receive');
    },
  },
  {
    id: 'completion-ports.cancelio',
    title: 'CancelIo succeeds with nothing pending, and cancels every pending operation of the socket (FALSE, 995, STATUS_CANCELLED); the socket stays usable',
    source: 'MS doc: CancelIo; wine sock.c test_send_buffering (CancelIo with nothing pending returns TRUE)',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x43);
      h.assert.equal(ws.CancelIo(server), true, `CancelIo with nothing pending: ${ws.WSAGetLastError()}`);
      h.expectNoPacket(port, 'CancelIo with nothing pending queues nothing');
      const first = h.pendingRecv(server, Buffer.alloc(8), 'WSARecv 1');
      const second = h.pendingRecv(server, Buffer.alloc(8), 'WSARecv 2');
      h.assert.equal(ws.CancelIo(server), true, 'CancelIo with two receives pending');
      const a = await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: 0x43 }, 'cancelled receive 1');
      const b = await h.expectPacket(port, { ok: false, error: ERROR_OPERATION_ABORTED, bytes: 0, key: 0x43 }, 'cancelled receive 2');
      h.assert.ok(a.overlapped !== b.overlapped && [a.overlapped, b.overlapped].every((o) => o === first || o === second), 'both receives were cancelled');
      h.assert.deepEqual([first.Internal, second.Internal], [STATUS_CANCELLED, STATUS_CANCELLED], 'Internal of each');
      h.expectError(ws.WSAGetOverlappedResult(server, first, new ws.DWORD(), false, new ws.DWORD()), false, ERROR_OPERATION_ABORTED, 'WSAGetOverlappedResult');
      const buf = Buffer.alloc(8);
      const third = h.pendingRecv(server, buf, 'WSARecv after CancelIo');
      h.send(client, 'on');
      await h.expectPacket(port, { bytes: 2, key: 0x43, overlapped: third }, 'a receive after CancelIo');
      h.assert.equal(buf.subarray(0, 2).toString(), 'on');
    },
  },
  {
    id: 'completion-ports.zero-byte-recv',
    title: 'a zero-byte WSARecv on an associated socket pends until data arrives, completes with 0 bytes, and leaves the data to be read',
    source: 'wine sock.c test_empty_recv (pends, then 0 bytes; the data is still there); winsock-semantics.md',
    async run(ws, h) {
      const port = h.port();
      const { client, server } = h.pair();
      h.associate(server, port, 0x44);
      const ov = h.pendingRecv(server, Buffer.alloc(0), 'zero-byte WSARecv');
      h.expectNoPacket(port, 'nothing before data arrives');
      h.send(client, 'payload');
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0x44, overlapped: ov }, 'the zero-byte receive');
      h.assert.equal(ov.Internal, 0);
      h.assert.equal(ov.InternalHigh, 0);
      // With the data there, another zero-byte receive completes at once, still with 0 bytes.
      const again = new ws.WSAOVERLAPPED();
      const got = new ws.DWORD(UNTOUCHED_BYTES);
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(0))], 1, got, new ws.DWORD(0), again, null), 'a zero-byte WSARecv with data buffered');
      h.assert.equal(got.value, 0);
      await h.expectPacket(port, { ok: true, bytes: 0, key: 0x44, overlapped: again }, 'the immediate zero-byte receive');
      const buf = Buffer.alloc(16);
      const read = new ws.WSAOVERLAPPED();
      const r = ws.WSARecv(server, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(0), read, null);
      if (r !== 0) h.expectPending(r, 'the real receive');
      await h.expectPacket(port, { ok: true, bytes: 7, key: 0x44, overlapped: read }, 'the real receive');
      h.assert.equal(buf.subarray(0, 7).toString(), 'payload', 'every byte was still there');
    },
  },
];
