// How pending operations end when the connection ends: graceful close, reset, local closesocket.

/** NTSTATUS severity "error" (0xC0000000 and above), e.g. STATUS_CANCELLED, STATUS_CONNECTION_RESET. */
const isNtError = (/** @type {number} */ status) => status >= 0xc0000000 && status <= 0xffffffff;

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'ends.graceful-close-zero-bytes',
    title: 'the peer closing gracefully completes a pending receive successfully with 0 bytes',
    source: 'MS doc: WSARecv ("zero bytes ... graceful close"); wine sock.c test_WSARecv',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ov = h.pendingRecv(server, Buffer.alloc(16));
      h.expectOk(h.close(client), 'closesocket(peer)');
      await h.waitEvent(ov.hEvent, 'the receive ended by a graceful close');
      const bytes = new ws.DWORD(0xdead);
      h.assert.equal(ws.WSAGetOverlappedResult(server, ov, bytes, false, new ws.DWORD()), true, `graceful close is a success: ${h.errName(ws.WSAGetLastError())}`);
      h.assert.equal(bytes.value, 0);
      h.assert.equal(ov.Internal, 0);
      h.assert.equal(ov.InternalHigh, 0);
      const again = new ws.DWORD(0xdead);
      const ov2 = new ws.WSAOVERLAPPED();
      ov2.hEvent = h.event();
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(16))], 1, again, new ws.DWORD(), ov2, null), 'a receive after the end of stream');
      h.assert.equal(again.value, 0, 'completes at once with 0 bytes again');
    },
  },
  {
    id: 'ends.data-then-close-zero-bytes',
    title: 'data followed by the peer\'s close: a receive takes the data, the next one completes with 0 bytes',
    source: 'MS doc: WSARecv ("zero bytes ... graceful close"); winsock-semantics.md (ends of a connection)',
    async run(ws, h) {
      const { client, server } = h.pair();
      // A zero-byte receive completes once the data is there, without taking it: by then the close has
      // arrived behind the data (a stream receive stops short of it).
      const probe = h.pendingRecv(server, Buffer.alloc(0));
      h.assert.equal(ws.send(client, Buffer.from('tail'), 4, 0), 4, 'send');
      h.expectOk(ws.shutdown(client, ws.SD_SEND), 'shutdown(SD_SEND)');
      await h.waitEvent(probe.hEvent, 'the zero-byte receive: data has arrived');
      // Each may complete at once or pend; either way its event is set.
      const receive = async (/** @type {string} */ what) => {
        const ov = new ws.WSAOVERLAPPED();
        ov.hEvent = h.event();
        const r = ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(64))], 1, null, new ws.DWORD(), ov, null);
        if (r !== 0) h.expectPending(r, what);
        await h.waitEvent(ov.hEvent, what);
        return ov;
      };
      const data = await receive('the receive of the data');
      h.assert.equal(data.InternalHigh, 4, 'the data, up to the close');
      const end = await receive('the receive after the data: the end of the stream');
      h.assert.equal(end.Internal, 0);
      h.assert.equal(end.InternalHigh, 0, 'graceful close: 0 bytes');
    },
  },
  {
    id: 'ends.shutdown-send-zero-bytes',
    title: 'the peer\'s shutdown(SD_SEND) completes a pending receive with 0 bytes (routine form)',
    source: 'MS doc: shutdown',
    async run(ws, h) {
      const { client, server } = h.pair();
      /** @type {number[][]} */
      const calls = [];
      h.pendingRecv(server, Buffer.alloc(16), 'WSARecv', { routine: (err, cb) => calls.push([err, cb]) });
      h.expectOk(ws.shutdown(client, ws.SD_SEND), 'shutdown(SD_SEND)');
      await h.alertUntil(() => calls.length > 0, 'the routine of the receive ended by shutdown');
      h.assert.deepEqual(calls, [[0, 0]]);
    },
  },
  {
    id: 'ends.reset-connreset',
    title: 'the peer resetting (SO_LINGER {1,0} + closesocket) fails a pending receive with WSAECONNRESET',
    source: 'MS doc: WSARecv (WSAECONNRESET); winsock-semantics.md',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ov = h.pendingRecv(server, Buffer.alloc(16));
      h.abortiveClose(client);
      await h.waitEvent(ov.hEvent, 'the receive ended by a reset');
      h.expectError(ws.WSAGetOverlappedResult(server, ov, new ws.DWORD(), false, new ws.DWORD()), false, ws.WSAECONNRESET, 'WSAGetOverlappedResult after a reset');
      h.assert.ok(isNtError(ov.Internal), `Internal is an NTSTATUS error, got 0x${ov.Internal.toString(16)}`);
      h.assert.equal(ov.InternalHigh, 0);
    },
  },
  {
    id: 'ends.reset-seen-by-send-fails-receives',
    title: 'a reset first met by a send keeps failing receives with WSAECONNRESET, not a graceful 0',
    source: 'winsock-semantics.md (peer resets); MS doc: WSARecv (WSAECONNRESET)',
    async run(ws, h) {
      const { client, server } = h.pair();
      h.abortiveClose(client);
      // Sends until one meets the reset (the first, on loopback; bounded anyway).
      const byte = Buffer.from('x');
      let error = 0;
      for (let i = 0; i < 1000 && error === 0; i++) {
        if (ws.send(server, byte, 1, 0) === ws.SOCKET_ERROR) error = ws.WSAGetLastError();
      }
      h.assert.equal(error, ws.WSAECONNRESET, `a send on the reset connection: ${h.errName(error)}`);
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      const r = ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(16))], 1, null, new ws.DWORD(), ov, null);
      if (r === ws.SOCKET_ERROR && ws.WSAGetLastError() !== ws.WSA_IO_PENDING) {
        h.assert.equal(ws.WSAGetLastError(), ws.WSAECONNRESET, 'the receive fails at once with the reset');
        return;
      }
      await h.waitEvent(ov.hEvent, 'the receive after the reset');
      h.expectError(ws.WSAGetOverlappedResult(server, ov, new ws.DWORD(), false, new ws.DWORD()), false, ws.WSAECONNRESET,
        'a receive after the reset, not a graceful close');
    },
  },
  {
    id: 'ends.reset-fails-every-pending-receive',
    title: 'a reset fails every receive pending on the socket with WSAECONNRESET, each exactly once',
    source: 'winsock-semantics.md (peer resets)',
    async run(ws, h) {
      const { client, server } = h.pair();
      /** @type {number[][]} */
      const calls = [[], [], []];
      calls.forEach((c, i) => {
        h.pendingRecv(server, Buffer.alloc(8), `WSARecv #${i}`, { routine: (err) => c.push(err) });
      });
      h.abortiveClose(client);
      await h.alertUntil(() => calls.every((c) => c.length > 0), 'all three routines');
      h.assert.equal(ws.SleepEx(0, true), 0, 'nothing further queued');
      h.assert.deepEqual(calls, [[ws.WSAECONNRESET], [ws.WSAECONNRESET], [ws.WSAECONNRESET]]);
    },
  },
  {
    id: 'ends.close-while-pending-event',
    title: 'closesocket with a receive pending: the event is set once, Internal holds an error NTSTATUS, no byte is written',
    source: 'MS doc: closesocket ("any pending overlapped operations ... are canceled"); winsock-semantics.md',
    async run(ws, h) {
      const { client, server } = h.pair();
      const buf = Buffer.alloc(16, 0x2e);
      const ov = h.pendingRecv(server, buf);
      h.expectOk(h.close(server), 'closesocket with a receive pending');
      await h.waitEvent(ov.hEvent, 'the aborted receive');
      h.assert.ok(isNtError(ov.Internal), `Internal is an NTSTATUS error (STATUS_CANCELLED), got 0x${ov.Internal.toString(16)}`);
      h.assert.equal(ov.InternalHigh, 0);
      // The peer still sends: the aborted operation must not write into its buffer any more.
      h.send(client, 'after');
      h.assert.equal(buf.toString(), '.'.repeat(16), 'buffer untouched');
    },
  },
  {
    id: 'ends.close-while-pending-routines',
    title: 'closesocket with receives and a send pending: each routine runs exactly once with WSA_OPERATION_ABORTED (995)',
    source: 'winsock-semantics.md; architecture.md rule 2',
    async run(ws, h) {
      const { server } = h.pair({ bufferSize: 8192 });
      /** @type {Map<string, number[]>} */
      const calls = new Map();
      const routine = (/** @type {string} */ tag) => (/** @type {number} */ err) => {
        calls.set(tag, [...(calls.get(tag) ?? []), err]);
      };
      for (const tag of ['recv1', 'recv2']) {
        h.pendingRecv(server, Buffer.alloc(16), tag, { routine: routine(tag) });
      }
      // Nobody reads on the other side: 16 MiB cannot all be sent, so the send stays pending.
      h.expectPending(ws.WSASend(server, [new ws.WSABUF(Buffer.alloc(16 * 1024 * 1024))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), routine('send')), 'WSASend 16 MiB');
      h.expectOk(h.close(server), 'closesocket with three operations pending');
      await h.alertUntil(() => calls.size === 3, 'three aborted routines');
      // More alertable waits must not run any routine a second time.
      h.assert.equal(ws.SleepEx(0, true), 0, 'nothing further queued');
      h.assert.deepEqual(Object.fromEntries(calls), { recv1: [995], recv2: [995], send: [995] });
    },
  },
];
