// Creating, binding, naming and closing sockets; socket options; plain send/recv.

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'sockets.create-close',
    title: 'socket and WSASocket return a handle; closesocket returns 0, and a second close fails with WSAENOTSOCK',
    source: 'MS doc: closesocket; wine sock.c test_closesocket',
    async run(ws, h) {
      const plain = ws.socket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP);
      h.assert.notEqual(plain, ws.INVALID_SOCKET, `socket: ${h.errName(ws.WSAGetLastError())}`);
      h.assert.ok(Number.isInteger(plain) && plain > 0, `socket handle ${plain}`);
      h.adopt(plain);
      const ov = ws.WSASocket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP, null, 0, ws.WSA_FLAG_OVERLAPPED);
      h.assert.notEqual(ov, ws.INVALID_SOCKET, `WSASocket: ${h.errName(ws.WSAGetLastError())}`);
      h.assert.notEqual(ov, plain);
      h.expectOk(h.close(plain), 'closesocket(socket)');
      h.expectOk(ws.closesocket(ov), 'closesocket(WSASocket)');
      h.expectError(ws.closesocket(ov), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'closesocket twice');
    },
  },
  {
    id: 'sockets.bind-getsockname',
    title: 'bind to 127.0.0.1:0 picks a port that getsockname reports with AF_INET and namelen 16',
    source: 'MS doc: getsockname',
    async run(ws, h) {
      const s = h.socket();
      h.expectOk(ws.bind(s, h.loopback(0), 16), 'bind');
      const name = new ws.SOCKADDR_IN();
      const len = new ws.INT(16);
      h.expectOk(ws.getsockname(s, name, len), 'getsockname');
      h.assert.equal(len.value, 16);
      h.assert.equal(name.sin_family, ws.AF_INET);
      h.assert.notEqual(name.sin_port, 0);
      h.assert.equal(name.sin_addr.s_addr, ws.htonl(ws.INADDR_LOOPBACK));
      h.expectError(ws.bind(s, h.loopback(0), 16), ws.SOCKET_ERROR, ws.WSAEINVAL, 'binding a bound socket again');
    },
  },
  {
    id: 'sockets.bind-addrinuse',
    title: 'binding a second socket to a listening port fails with WSAEADDRINUSE',
    source: 'MS doc: bind',
    async run(ws, h) {
      const { port } = h.listener();
      const second = h.socket();
      h.expectError(ws.bind(second, h.loopback(port), 16), ws.SOCKET_ERROR, ws.WSAEADDRINUSE, 'bind to a used port');
    },
  },
  {
    id: 'sockets.peer-names',
    title: 'getpeername/getsockname on a connected pair mirror each other; getpeername unconnected -> WSAENOTCONN',
    source: 'MS doc: getpeername',
    async run(ws, h) {
      const { client, server, port } = h.pair();
      const peer = new ws.SOCKADDR_IN();
      const len = new ws.INT(16);
      h.expectOk(ws.getpeername(client, peer, len), 'getpeername(client)');
      h.assert.equal(ws.ntohs(peer.sin_port), port);
      h.assert.equal(peer.sin_addr.s_addr, ws.htonl(ws.INADDR_LOOPBACK));
      const serverPeer = new ws.SOCKADDR_IN();
      h.expectOk(ws.getpeername(server, serverPeer, new ws.INT(16)), 'getpeername(server)');
      h.assert.equal(ws.ntohs(serverPeer.sin_port), h.portOf(client));
      const lone = h.socket();
      h.expectError(ws.getpeername(lone, new ws.SOCKADDR_IN(), new ws.INT(16)), ws.SOCKET_ERROR, ws.WSAENOTCONN, 'getpeername(unconnected)');
    },
  },
  {
    id: 'sockets.accept-address',
    title: 'accept fills the peer address and addrlen',
    source: 'MS doc: accept',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      const client = h.socket();
      h.expectOk(ws.connect(client, h.loopback(port), 16), 'connect');
      const from = new ws.SOCKADDR_IN();
      const len = new ws.INT(16);
      h.accept(listener, 'accept', from, len);
      h.assert.equal(len.value, 16);
      h.assert.equal(from.sin_family, ws.AF_INET);
      h.assert.equal(from.sin_addr.s_addr, ws.htonl(ws.INADDR_LOOPBACK));
      h.assert.equal(ws.ntohs(from.sin_port), h.portOf(client));
    },
  },
  {
    id: 'sockets.options-roundtrip',
    title: 'setsockopt/getsockopt: SO_REUSEADDR, SO_LINGER, SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, SO_ERROR',
    source: 'MS doc: getsockopt, setsockopt',
    async run(ws, h) {
      const s = h.socket();
      const box = new ws.DWORD();
      const len = new ws.INT(4);

      h.expectOk(ws.setsockopt(s, ws.SOL_SOCKET, ws.SO_REUSEADDR, new ws.DWORD(1), 4), 'set SO_REUSEADDR');
      h.expectOk(ws.getsockopt(s, ws.SOL_SOCKET, ws.SO_REUSEADDR, box, len), 'get SO_REUSEADDR');
      h.assert.notEqual(box.value, 0, 'SO_REUSEADDR reads back on');

      const linger = new ws.LINGER();
      linger.l_onoff = 1;
      linger.l_linger = 5;
      h.expectOk(ws.setsockopt(s, ws.SOL_SOCKET, ws.SO_LINGER, linger, 4), 'set SO_LINGER');
      const got = new ws.LINGER();
      h.expectOk(ws.getsockopt(s, ws.SOL_SOCKET, ws.SO_LINGER, got, new ws.INT(4)), 'get SO_LINGER');
      h.assert.notEqual(got.l_onoff, 0, 'l_onoff');
      h.assert.equal(got.l_linger, 5, 'l_linger');

      for (const [name, opt] of /** @type {const} */ ([['SO_RCVBUF', ws.SO_RCVBUF], ['SO_SNDBUF', ws.SO_SNDBUF]])) {
        h.expectOk(ws.setsockopt(s, ws.SOL_SOCKET, opt, new ws.DWORD(32768), 4), `set ${name}`);
        const v = new ws.DWORD();
        const l = new ws.INT(4);
        h.expectOk(ws.getsockopt(s, ws.SOL_SOCKET, opt, v, l), `get ${name}`);
        h.assert.equal(l.value, 4, `${name} optlen`);
        h.assert.ok(v.value >= 32768, `${name} reads back ${v.value}, at least what was set`);
      }

      h.expectOk(ws.setsockopt(s, ws.IPPROTO_TCP, ws.TCP_NODELAY, new ws.DWORD(1), 4), 'set TCP_NODELAY');
      const nd = new ws.DWORD();
      h.expectOk(ws.getsockopt(s, ws.IPPROTO_TCP, ws.TCP_NODELAY, nd, new ws.INT(4)), 'get TCP_NODELAY');
      h.assert.notEqual(nd.value, 0, 'TCP_NODELAY on');
      h.expectOk(ws.setsockopt(s, ws.IPPROTO_TCP, ws.TCP_NODELAY, 0, 4), 'set TCP_NODELAY from a plain number');
      const nd2 = new ws.DWORD(7);
      h.expectOk(ws.getsockopt(s, ws.IPPROTO_TCP, ws.TCP_NODELAY, nd2, new ws.INT(4)), 'get TCP_NODELAY');
      h.assert.equal(nd2.value, 0, 'TCP_NODELAY off');

      const soError = new ws.DWORD(99);
      h.expectOk(ws.getsockopt(s, ws.SOL_SOCKET, ws.SO_ERROR, soError, new ws.INT(4)), 'get SO_ERROR');
      h.assert.equal(soError.value, 0, 'SO_ERROR on a fresh socket');
    },
  },
  {
    id: 'sockets.plain-send-recv',
    title: 'plain send and recv move bytes over a connected pair and return the byte count',
    source: 'MS doc: send, recv',
    async run(ws, h) {
      const { client, server } = h.pair();
      const out = Buffer.from('hello');
      h.assert.equal(ws.send(client, out, 5, 0), 5);
      // Wait for arrival without a blocking call that could hang: the harness reads it overlapped.
      const got = await h.recvExactly(server, 5);
      h.assert.equal(got.toString(), 'hello');
      await h.deliver(server, client, 'world');
      const buf = Buffer.alloc(16);
      h.assert.equal(ws.recv(client, buf, 16, 0), 5, 'recv of delivered bytes');
      h.assert.equal(buf.subarray(0, 5).toString(), 'world');
    },
  },
  {
    id: 'sockets.shutdown-send',
    title: 'shutdown(SD_SEND) makes the peer read 0 bytes; sending after it fails with WSAESHUTDOWN',
    source: 'MS doc: shutdown',
    async run(ws, h) {
      const { client, server } = h.pair();
      h.expectOk(ws.shutdown(client, ws.SD_SEND), 'shutdown(SD_SEND)');
      const got = await h.recv(server, 16);
      h.assert.equal(got.length, 0, 'the peer sees a graceful end of stream');
      const buf = Buffer.from('late');
      h.expectError(ws.send(client, buf, buf.length, 0), ws.SOCKET_ERROR, ws.WSAESHUTDOWN, 'send after SD_SEND');
    },
  },
];
