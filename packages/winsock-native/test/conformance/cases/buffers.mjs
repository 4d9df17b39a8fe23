// Scatter/gather, WSABUF lengths, several receives filled in posted order, and WSASend completing only
// when its whole length is sent.

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'buffers.scatter-immediate',
    title: 'a receive fills its WSABUFs in array order, packed: "dead" + "beefs" for buffers of 4 and 5 bytes',
    source: 'wine sock.c test_WSARecv ("dead"/"beefs")',
    async run(ws, h) {
      const { client, server } = h.pair();
      await h.deliver(client, server, 'deadbeefs');
      const a = Buffer.alloc(4);
      const b = Buffer.alloc(5);
      const bytes = new ws.DWORD();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(a), new ws.WSABUF(b)], 2, bytes, new ws.DWORD(), ov, null), 'WSARecv into 4 + 5');
      h.assert.equal(bytes.value, 9);
      h.assert.equal(a.toString(), 'dead');
      h.assert.equal(b.toString(), 'beefs');
    },
  },
  {
    id: 'buffers.scatter-pending',
    title: 'a pending scattered receive fills "dead" + "beefs" when the bytes arrive',
    source: 'wine sock.c test_WSARecv',
    async run(ws, h) {
      const { client, server } = h.pair();
      const a = Buffer.alloc(4);
      const b = Buffer.alloc(5);
      const ov = h.pendingRecv(server, [a, b], 'WSARecv into 4 + 5');
      h.send(client, 'deadbeefs');
      await h.waitEvent(ov.hEvent, 'the scattered receive');
      const bytes = new ws.DWORD();
      h.assert.equal(ws.WSAGetOverlappedResult(server, ov, bytes, false, new ws.DWORD()), true);
      h.assert.equal(bytes.value, 9);
      h.assert.equal(a.toString(), 'dead');
      h.assert.equal(b.toString(), 'beefs');
    },
  },
  {
    id: 'buffers.gather-send',
    title: 'WSASend gathers its WSABUFs in array order',
    source: 'MS doc: WSASend (lpBuffers)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const sent = new ws.DWORD();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      const r = ws.WSASend(client, [new ws.WSABUF(Buffer.from('dead')), new ws.WSABUF(Buffer.from('beefs'))], 2, sent, 0, ov, null);
      if (r !== 0) h.expectPending(r, 'WSASend');
      await h.waitEvent(ov.hEvent, 'the gathered send');
      h.assert.equal(ov.InternalHigh, 9);
      h.assert.equal((await h.recvExactly(server, 9)).toString(), 'deadbeefs');
    },
  },
  {
    id: 'buffers.wsabuf-len-bounds',
    title: 'WSABUF.len, not the Buffer size, bounds what is read and written',
    source: 'MS doc: WSABUF',
    async run(ws, h) {
      const { client, server } = h.pair();
      const out = Buffer.from('0123456789');
      const sent = new ws.DWORD();
      h.expectOk(ws.WSASend(client, [new ws.WSABUF(out, 3)], 1, sent, 0, null, null), 'WSASend of 3 of 10 bytes');
      h.assert.equal(sent.value, 3);
      h.assert.equal((await h.recvExactly(server, 3)).toString(), '012');
      await h.deliver(client, server, '3456');
      const into = Buffer.alloc(10, 0x2e);
      const bytes = new ws.DWORD();
      h.expectOk(ws.WSARecv(server, [new ws.WSABUF(into, 2)], 1, bytes, new ws.DWORD(), null, null), 'WSARecv into 2 of 10 bytes');
      h.assert.equal(bytes.value, 2);
      h.assert.equal(into.toString(), '34........', 'bytes past WSABUF.len untouched');
      h.assert.equal((await h.recvExactly(server, 2)).toString(), '56', 'the rest stays queued');
      // Nothing past the first WSASend's len went out: the next bytes are the ones sent next.
      h.send(client, 'Z');
      h.assert.equal((await h.recvExactly(server, 1)).toString(), 'Z');
    },
  },
  {
    id: 'buffers.stream-completes-with-any-bytes',
    title: 'a stream receive completes as soon as it has at least one byte, not when its buffers are full',
    source: 'MS doc: WSARecv (stream sockets)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ov = h.pendingRecv(server, Buffer.alloc(4096));
      h.send(client, 'abc');
      await h.waitEvent(ov.hEvent, 'a partly filled receive');
      h.assert.equal(ov.InternalHigh, 3);
    },
  },
  {
    id: 'buffers.receives-in-posted-order',
    title: 'several receives posted on one socket are filled in the order they were posted',
    source: 'winsock-semantics.md; MS doc: WSARecv (overlapped receives are queued)',
    async run(ws, h) {
      const { client, server } = h.pair();
      const n = 4;
      const bufs = Array.from({ length: n }, () => Buffer.alloc(4));
      /** @type {string[]} */
      const order = [];
      const ovs = bufs.map(() => new ws.WSAOVERLAPPED());
      bufs.forEach((buf, i) => {
        h.pendingRecv(server, buf, `WSARecv #${i}`, { ov: ovs[i], routine: (err, cb) => order.push(`${i}:${err}:${cb}`) });
      });
      h.send(client, 'AAAABBBBCCCCDDDD');
      await h.alertUntil(() => order.length === n, 'all four receive routines');
      h.assert.deepEqual(bufs.map((b) => b.toString()), ['AAAA', 'BBBB', 'CCCC', 'DDDD'], 'filled in posted order');
      h.assert.deepEqual(order, ['0:0:4', '1:0:4', '2:0:4', '3:0:4'], 'routines in posted order');
    },
  },
  {
    id: 'buffers.sends-in-posted-order',
    title: 'several WSASends posted back to back reach the peer in the order they were posted',
    source: 'MS doc: WSASend',
    async run(ws, h) {
      const { client, server } = h.pair();
      const parts = ['one,', 'two,', 'three,', 'four'];
      const evs = parts.map(() => h.event());
      parts.forEach((p, i) => {
        const ov = new ws.WSAOVERLAPPED();
        ov.hEvent = evs[i] ?? 0;
        const r = ws.WSASend(client, [new ws.WSABUF(Buffer.from(p))], 1, new ws.DWORD(), 0, ov, null);
        if (r !== 0) h.expectPending(r, `WSASend #${i}`);
      });
      const total = parts.join('');
      h.assert.equal((await h.recvExactly(server, total.length)).toString(), total);
      h.assert.equal(await ws.WSAWaitForMultipleEventsAsync(evs.length, evs, true, h.timeoutMs, false), ws.WSA_WAIT_EVENT_0);
    },
  },
  {
    id: 'buffers.send-completes-only-when-all-sent',
    title: 'an 8 MiB WSASend to a slow reader with small buffers stays pending (Internal 0x103) and completes with all 8 MiB',
    source: 'winsock-semantics.md; MS doc: WSASend (overlapped sends complete when the buffer is consumed)',
    async run(ws, h) {
      const { client, server } = h.pair({ bufferSize: 65536 });
      const size = 8 * 1024 * 1024;
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) data[i] = i % 251;
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      const sent = new ws.DWORD(0xdead);
      h.expectPending(ws.WSASend(client, [new ws.WSABUF(data)], 1, sent, 0, ov, null), 'WSASend of 8 MiB');
      h.assert.equal(sent.value, 0xdead, 'a pending WSASend does not write lpNumberOfBytesSent');
      const got = Buffer.alloc(size);
      let received = 0;
      const checkpoint = 1024 * 1024;
      let checked = false;
      // Bounded: every receive returns at least one byte or the case fails.
      for (let i = 0; i < size && received < size; i++) {
        const part = await h.recv(server, Math.min(65536, size - received), `reading the 8 MiB at ${received}`);
        h.assert.ok(part.length > 0, `connection closed after ${received} bytes`);
        part.copy(got, received);
        received += part.length;
        if (!checked && received >= checkpoint) {
          checked = true;
          h.assert.equal(h.isSignalled(ov.hEvent), false, `the send completed when the reader had only ${received} of ${size} bytes`);
          h.assert.equal(ov.Internal, ws.STATUS_PENDING, 'Internal while the send is partly done');
          h.expectError(ws.WSAGetOverlappedResult(client, ov, new ws.DWORD(), false, new ws.DWORD()), false, ws.WSA_IO_INCOMPLETE, 'WSAGetOverlappedResult mid-send');
        }
      }
      await h.waitEvent(ov.hEvent, 'the 8 MiB WSASend');
      const bytes = new ws.DWORD();
      h.assert.equal(ws.WSAGetOverlappedResult(client, ov, bytes, false, new ws.DWORD()), true);
      h.assert.equal(bytes.value, size, 'completes with the whole length, never a partial count');
      h.assert.equal(ov.Internal, 0);
      h.assert.equal(ov.InternalHigh, size);
      h.assert.ok(got.equals(data), 'the bytes arrive intact and in order');
    },
  },
];
