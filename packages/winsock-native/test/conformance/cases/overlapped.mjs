// Starting overlapped WSARecv/WSASend: immediate vs pending completion, out-parameters, Internal/InternalHigh,
// the event reset at start, FIONBIO.

const UNTOUCHED = 0xdead;

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'overlapped.recv-pending-then-complete',
    title: 'WSARecv with nothing to read pends (997), leaves the byte count alone, Internal = STATUS_PENDING; data completes it',
    source: 'MS doc: WSARecv (overlapped socket I/O); wine sock.c test_WSARecv',
    async run(ws, h) {
      const { client, server } = h.pair();
      const buf = Buffer.alloc(64);
      const bytes = new ws.DWORD(UNTOUCHED);
      const ov = h.pendingRecv(server, buf, 'WSARecv', { bytes, flags: new ws.DWORD(0) });
      const ev = ov.hEvent;
      h.assert.equal(bytes.value, UNTOUCHED, 'a pending WSARecv does not write lpNumberOfBytesRecvd');
      h.assert.equal(ov.Internal, ws.STATUS_PENDING, 'Internal while pending');
      h.assert.equal(h.isSignalled(ev), false, 'the event is not signalled while pending');
      h.send(client, 'hello');
      await h.waitEvent(ev, 'WSARecv completion');
      h.assert.equal(ov.Internal, 0, 'Internal = STATUS_SUCCESS after completion');
      h.assert.equal(ov.InternalHigh, 5, 'InternalHigh = bytes received');
      const got = new ws.DWORD();
      const gotFlags = new ws.DWORD(UNTOUCHED);
      h.assert.equal(ws.WSAGetOverlappedResult(server, ov, got, false, gotFlags), true, `WSAGetOverlappedResult: ${h.errName(ws.WSAGetLastError())}`);
      h.assert.equal(got.value, 5);
      h.assert.equal(gotFlags.value, 0, 'flags out');
      h.assert.equal(buf.subarray(0, 5).toString(), 'hello');
    },
  },
  {
    id: 'overlapped.recv-immediate',
    title: 'WSARecv with data already buffered returns 0, writes the byte count, and still signals the event',
    source: 'MS doc: WSARecv ("If no error occurs and the receive operation has completed immediately, WSARecv returns zero ... the completion indication is still posted")',
    async run(ws, h) {
      const { client, server } = h.pair();
      await h.deliver(client, server, 'hello');
      const ev = h.event();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = ev;
      const buf = Buffer.alloc(64);
      const bytes = new ws.DWORD(UNTOUCHED);
      // lpFlags is in/out: its input selects MSG_OOB/MSG_PEEK/MSG_WAITALL, so only 0 asks for a plain receive.
      const flags = new ws.DWORD(0);
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(buf, 64)], 1, bytes, flags, ov, null), 'WSARecv with data buffered');
      h.assert.equal(bytes.value, 5, 'lpNumberOfBytesRecvd written at once');
      h.assert.equal(flags.value, 0, 'lpFlags reports no partial/OOB data');
      h.assert.equal(buf.subarray(0, 5).toString(), 'hello');
      await h.waitEvent(ev, 'the event of an immediate completion');
      h.assert.equal(ov.Internal, 0);
      h.assert.equal(ov.InternalHigh, 5);
      const got = new ws.DWORD();
      h.assert.equal(ws.WSAGetOverlappedResult(server, ov, got, false, new ws.DWORD()), true);
      h.assert.equal(got.value, 5);
    },
  },
  {
    id: 'overlapped.send-immediate',
    title: 'a small overlapped WSASend returns 0 with the byte count written, signals its event, and the peer gets the bytes',
    source: 'MS doc: WSASend',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ev = h.event();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = ev;
      const sent = new ws.DWORD(UNTOUCHED);
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(Buffer.from('hello'))], 1, sent, 0, ov, null), 'WSASend');
      h.assert.equal(sent.value, 5, 'lpNumberOfBytesSent written at once');
      await h.waitEvent(ev, 'the event of an immediate WSASend');
      h.assert.equal(ov.Internal, 0);
      h.assert.equal(ov.InternalHigh, 5);
      h.assert.equal((await h.recvExactly(server, 5)).toString(), 'hello');
    },
  },
  {
    id: 'overlapped.single-wsabuf',
    title: 'a single WSABUF (not in an array) is accepted for WSASend and WSARecv',
    source: 'CONTRACT.md section 1 (lpBuffers: WSABUF[] | WSABUF)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const sent = new ws.DWORD();
      h.expectOk(ws.WSASend(client, new ws.WSABUF(Buffer.from('solo')), 1, sent, 0, null, null), 'WSASend(single WSABUF)');
      h.assert.equal(sent.value, 4);
      const buf = Buffer.alloc(4);
      const ev = h.event();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = ev;
      const r = ws.WSARecv(server, new ws.WSABUF(buf), 1, new ws.DWORD(), new ws.DWORD(), ov, null);
      if (r !== 0) h.expectPending(r, 'WSARecv(single WSABUF)');
      await h.waitEvent(ev, 'WSARecv(single WSABUF)');
      h.assert.ok(ov.InternalHigh >= 1);
      h.assert.equal(buf.subarray(0, ov.InternalHigh).toString(), 'solo'.slice(0, ov.InternalHigh));
    },
  },
  {
    id: 'overlapped.start-resets-event',
    title: 'starting an overlapped operation resets its hEvent',
    source: 'MS doc: WSARecv ("the event is reset"); wine sock.c test_WSARecv',
    async run(ws, h) {
      const { server } = h.pair();
      const ev = h.event();
      h.assert.equal(ws.WSASetEvent(ev), true);
      h.assert.equal(h.isSignalled(ev), true);
      h.pendingRecv(server, Buffer.alloc(8), 'WSARecv', { event: ev });
      h.assert.equal(h.isSignalled(ev), false, 'hEvent was reset when the receive started');
    },
  },
  {
    id: 'overlapped.recv-without-overlapped',
    title: 'WSARecv/WSASend without an OVERLAPPED are plain calls that return 0 and write the byte count',
    source: 'MS doc: WSARecv (lpOverlapped NULL)',
    async run(ws, h) {
      const { client, server } = h.pair();
      await h.deliver(client, server, 'plain');
      const buf = Buffer.alloc(16);
      const bytes = new ws.DWORD();
      const flags = new ws.DWORD();
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(buf, 16)], 1, bytes, flags, null, null), 'WSARecv(no overlapped)');
      h.assert.equal(bytes.value, 5);
      h.assert.equal(buf.subarray(0, 5).toString(), 'plain');
    },
  },
  {
    id: 'overlapped.fionbio-does-not-affect-overlapped',
    title: 'on a FIONBIO socket an overlapped WSARecv pends (997) while the same call without OVERLAPPED fails WSAEWOULDBLOCK',
    source: 'winsock-semantics.md; wine sock.c test_WSARecv',
    async run(ws, h) {
      const { client, server } = h.pair();
      h.expectOk(ws.ioctlsocket(server, ws.FIONBIO, new ws.DWORD(1)), 'ioctlsocket(FIONBIO, 1)');
      const buf = Buffer.alloc(16);
      h.expectError(ws.WSARecv(server, [new ws.WSABUF(buf, 16)], 1, new ws.DWORD(), new ws.DWORD(), null, null), ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'WSARecv without OVERLAPPED');
      h.expectError(ws.recv(server, buf, 16, 0), ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'recv');
      const ov = h.pendingRecv(server, buf, 'overlapped WSARecv');
      h.send(client, 'late');
      await h.waitEvent(ov.hEvent, 'overlapped WSARecv on a non-blocking socket');
      const got = new ws.DWORD();
      h.assert.equal(ws.WSAGetOverlappedResult(server, ov, got, false, new ws.DWORD()), true);
      h.assert.equal(got.value, 4);
      h.assert.equal(buf.subarray(0, 4).toString(), 'late');
    },
  },
  {
    id: 'overlapped.fionbio-send-full',
    title: 'with the send path full, a non-blocking send fails WSAEWOULDBLOCK but an overlapped WSASend pends (997)',
    source: 'winsock-semantics.md',
    async run(ws, h) {
      const { client } = h.pair({ bufferSize: 8192 });
      h.expectOk(ws.ioctlsocket(client, ws.FIONBIO, new ws.DWORD(1)), 'ioctlsocket(FIONBIO, 1)');
      const chunk = Buffer.alloc(65536, 0x61);
      let err = 0;
      // Bounded: 4096 x 64 KiB = 256 MiB, far beyond any loopback buffering.
      for (let i = 0; i < 4096 && err === 0; i++) {
        if (ws.send(client, chunk, chunk.length, 0) === ws.SOCKET_ERROR) err = ws.WSAGetLastError();
      }
      h.assert.equal(err, ws.WSAEWOULDBLOCK, `non-blocking send into a full pipe: ${h.errName(err)}`);
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      h.expectPending(ws.WSASend(client, [new ws.WSABUF(chunk)], 1, new ws.DWORD(), 0, ov, null), 'overlapped WSASend into a full pipe');
      h.assert.equal(ov.Internal, ws.STATUS_PENDING);
    },
  },
];
