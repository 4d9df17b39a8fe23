// WSAGetOverlappedResult: incomplete, waited, completed, failed.

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'overlapped-result.incomplete',
    title: 'WSAGetOverlappedResult(fWait false) on a pending operation returns false with WSA_IO_INCOMPLETE (996)',
    source: 'MS doc: WSAGetOverlappedResult; wine sock.c test_WSARecv',
    async run(ws, h) {
      const { server } = h.pair();
      const ov = h.pendingRecv(server, Buffer.alloc(8));
      const bytes = new ws.DWORD(0xdead);
      h.expectError(ws.WSAGetOverlappedResult(server, ov, bytes, false, new ws.DWORD()), false, ws.WSA_IO_INCOMPLETE, 'WSAGetOverlappedResult while pending');
      h.assert.equal(ov.Internal, ws.STATUS_PENDING, 'asking does not change Internal');
    },
  },
  {
    id: 'overlapped-result.wait-true',
    title: 'WSAGetOverlappedResult(fWait true) blocks until the operation completes and returns its byte count',
    source: 'MS doc: WSAGetOverlappedResult (fWait)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const buf = Buffer.alloc(16);
      const ov = h.pendingRecv(server, buf);
      // The bytes are on their way before the thread blocks, so the wait is bounded by loopback delivery.
      h.send(client, 'waited');
      const bytes = new ws.DWORD();
      const flags = new ws.DWORD(0xdead);
      h.assert.equal(ws.WSAGetOverlappedResult(server, ov, bytes, true, flags), true, `fWait true: ${h.errName(ws.WSAGetLastError())}`);
      h.assert.equal(bytes.value, 6);
      h.assert.equal(flags.value, 0);
      h.assert.equal(buf.subarray(0, 6).toString(), 'waited');
    },
  },
  {
    id: 'overlapped-result.completed-send',
    title: 'WSAGetOverlappedResult on a completed WSASend returns true with the bytes sent',
    source: 'MS doc: WSAGetOverlappedResult',
    async run(ws, h) {
      const { client } = h.pair();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      const data = Buffer.from('0123456789');
      const r = ws.WSASend(client, [new ws.WSABUF(data)], 1, new ws.DWORD(), 0, ov, null);
      if (r !== 0) h.expectPending(r, 'WSASend');
      await h.waitEvent(ov.hEvent, 'WSASend');
      const bytes = new ws.DWORD();
      h.assert.equal(ws.WSAGetOverlappedResult(client, ov, bytes, false, new ws.DWORD()), true);
      h.assert.equal(bytes.value, 10);
    },
  },
];
