// Non-blocking sockets (FIONBIO, WSAEventSelect): accept and connect state machine, refused connections,
// network events.

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'nonblocking.accept-wouldblock',
    title: 'accept on a non-blocking listener with no client fails with WSAEWOULDBLOCK; FD_ACCEPT then accept succeeds',
    source: 'MS doc: accept, WSAEventSelect; wine sock.c test_accept',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      h.expectOk(ws.ioctlsocket(listener, ws.FIONBIO, new ws.DWORD(1)), 'ioctlsocket(FIONBIO, 1)');
      h.expectError(ws.accept(listener, null, null), ws.INVALID_SOCKET, ws.WSAEWOULDBLOCK, 'accept with no client');
      const ev = h.eventSelect(listener, ws.FD_ACCEPT, 'WSAEventSelect(FD_ACCEPT)');
      h.assert.equal(h.isSignalled(ev), false, 'no FD_ACCEPT before a client connects');
      const client = h.socket();
      h.expectOk(ws.connect(client, h.loopback(port), 16), 'connect');
      const ne = await h.waitNetworkEvents(listener, ev, 'FD_ACCEPT');
      h.assert.equal(ne.lNetworkEvents & ws.FD_ACCEPT, ws.FD_ACCEPT, `lNetworkEvents ${ne.lNetworkEvents}`);
      h.assert.equal(ne.iErrorCode.length, ws.FD_MAX_EVENTS);
      h.assert.equal(ne.iErrorCode[ws.FD_ACCEPT_BIT], 0);
      h.assert.equal(h.isSignalled(ev), false, 'WSAEnumNetworkEvents resets the event');
      const from = new ws.SOCKADDR_IN();
      h.accept(listener, 'accept after FD_ACCEPT', from, new ws.INT(16));
      h.assert.equal(ws.ntohs(from.sin_port), h.portOf(client));
      h.expectError(ws.accept(listener, null, null), ws.INVALID_SOCKET, ws.WSAEWOULDBLOCK, 'accept once the queue is empty');
    },
  },
  {
    id: 'nonblocking.connect-sequence',
    title: 'non-blocking connect: WSAEWOULDBLOCK, then WSAEALREADY while in progress, FD_CONNECT, then WSAEISCONN',
    source: 'MS doc: connect (remarks on non-blocking sockets); wine sock.c test_connect',
    async run(ws, h) {
      const { port } = h.listener();
      const client = h.socket();
      // WSAEventSelect makes the socket non-blocking, as FIONBIO does.
      const ev = h.eventSelect(client, ws.FD_CONNECT, 'WSAEventSelect(FD_CONNECT)');
      h.expectError(ws.connect(client, h.loopback(port), 16), ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'first connect');
      // Loopback may finish the handshake before the next call: then the answer is already WSAEISCONN.
      const again = ws.connect(client, h.loopback(port), 16);
      const againErr = ws.WSAGetLastError();
      h.assert.equal(again, ws.SOCKET_ERROR, 'a second connect while connecting never succeeds');
      h.assert.ok(
        againErr === ws.WSAEALREADY || againErr === ws.WSAEISCONN,
        `second connect: expected WSAEALREADY (in progress) or WSAEISCONN (done), got ${h.errName(againErr)}`,
      );
      const ne = await h.waitNetworkEvents(client, ev, 'FD_CONNECT');
      h.assert.equal(ne.lNetworkEvents & ws.FD_CONNECT, ws.FD_CONNECT, `lNetworkEvents ${ne.lNetworkEvents}`);
      h.assert.equal(ne.iErrorCode[ws.FD_CONNECT_BIT], 0, 'FD_CONNECT error code');
      h.expectError(ws.connect(client, h.loopback(port), 16), ws.SOCKET_ERROR, ws.WSAEISCONN, 'connect once connected');
    },
  },
  {
    id: 'nonblocking.connect-refused-event',
    title: 'a non-blocking connect to a port nobody listens on reports FD_CONNECT with WSAECONNREFUSED',
    source: 'MS doc: WSAEventSelect (FD_CONNECT error codes); wine sock.c test_connect',
    async run(ws, h) {
      // A bound, non-listening socket holds the port so nothing else can take it meanwhile.
      const holder = h.socket();
      h.expectOk(ws.bind(holder, h.loopback(0), 16), 'bind');
      const port = h.portOf(holder);
      const client = h.socket();
      const ev = h.eventSelect(client, ws.FD_CONNECT, 'WSAEventSelect(FD_CONNECT)');
      h.expectError(ws.connect(client, h.loopback(port), 16), ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'connect');
      // Windows retries a refused SYN for about two seconds before it reports the refusal.
      const ne = await h.waitNetworkEvents(client, ev, 'FD_CONNECT (refused)', 10000);
      h.assert.equal(ne.lNetworkEvents & ws.FD_CONNECT, ws.FD_CONNECT);
      h.assert.equal(ne.iErrorCode[ws.FD_CONNECT_BIT], ws.WSAECONNREFUSED, `FD_CONNECT error ${h.errName(ne.iErrorCode[ws.FD_CONNECT_BIT] ?? -1)}`);
    },
  },
  {
    id: 'nonblocking.eventselect-read-close',
    title: 'WSAEventSelect(FD_READ|FD_CLOSE): data signals FD_READ, a graceful close FD_CLOSE with error 0; recv without data -> WSAEWOULDBLOCK',
    source: 'MS doc: WSAEventSelect, WSAEnumNetworkEvents',
    async run(ws, h) {
      const { client, server } = h.pair();
      const ev = h.eventSelect(server, ws.FD_READ | ws.FD_CLOSE, 'WSAEventSelect');
      const buf = Buffer.alloc(16);
      h.expectError(ws.recv(server, buf, 16, 0), ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'recv with no data (WSAEventSelect made it non-blocking)');
      h.send(client, 'ping');
      const ne = await h.waitNetworkEvents(server, ev, 'FD_READ');
      h.assert.equal(ne.lNetworkEvents & ws.FD_READ, ws.FD_READ, `lNetworkEvents ${ne.lNetworkEvents}`);
      h.assert.equal(ne.iErrorCode[ws.FD_READ_BIT], 0);
      h.assert.equal(ws.recv(server, buf, 16, 0), 4, 'recv after FD_READ');
      h.expectOk(h.close(client), 'closesocket(client)');
      const closed = await h.waitNetworkEvents(server, ev, 'FD_CLOSE');
      h.assert.equal(closed.lNetworkEvents & ws.FD_CLOSE, ws.FD_CLOSE, `lNetworkEvents ${closed.lNetworkEvents}`);
      h.assert.equal(closed.iErrorCode[ws.FD_CLOSE_BIT], 0, 'graceful close error code');
    },
  },
  {
    id: 'nonblocking.accept-inherits-eventselect',
    title: 'an accepted socket inherits the listener\'s WSAEventSelect association (same event, same events)',
    source: 'MS doc: WSAEventSelect (remarks on accept)',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      const ev = h.eventSelect(listener, ws.FD_ACCEPT | ws.FD_READ, 'WSAEventSelect(listener)');
      const client = h.socket();
      h.expectOk(ws.connect(client, h.loopback(port), 16), 'connect');
      await h.waitNetworkEvents(listener, ev, 'FD_ACCEPT');
      const accepted = h.accept(listener);
      h.expectError(ws.recv(accepted, Buffer.alloc(4), 4, 0), ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'recv on the accepted socket (inherited non-blocking)');
      h.assert.ok(ws.WSAResetEvent(ev));
      h.send(client, 'data');
      const ne = await h.waitNetworkEvents(accepted, ev, 'FD_READ on the accepted socket');
      h.assert.equal(ne.lNetworkEvents & ws.FD_READ, ws.FD_READ, `lNetworkEvents ${ne.lNetworkEvents}`);
    },
  },
  {
    id: 'nonblocking.connect-event-after-connected',
    title: 'WSAEventSelect(FD_CONNECT) after connect() already established the connection records FD_CONNECT (error 0), once',
    source: 'wine sock.c test_connect_events ("Connect and then select": FD_CONNECT + FD_WRITE; a re-select after they were reported: none); MS doc: WSAAsyncSelect (FD_CONNECT "when WSAAsyncSelect called, if there is currently a connection established")',
    async run(ws, h) {
      const { client } = h.pair();
      h.send(client, 'data');
      const all = ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ | ws.FD_WRITE;
      const ev = h.eventSelect(client, all, 'WSAEventSelect after the connection');
      const ne = await h.waitNetworkEvents(client, ev, 'FD_CONNECT at select time');
      h.assert.equal(ne.lNetworkEvents, ws.FD_CONNECT | ws.FD_WRITE, `lNetworkEvents ${ne.lNetworkEvents}`);
      h.assert.equal(ne.iErrorCode[ws.FD_CONNECT_BIT], 0, 'FD_CONNECT error code');
      // Reported once: selecting again does not record it a second time.
      h.expectOk(ws.WSAEventSelect(client, ev, 0), 'WSAEventSelect(0)');
      h.expectOk(ws.WSAEventSelect(client, ev, ws.FD_CONNECT), 'WSAEventSelect(FD_CONNECT) again');
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev], false, 200, false), ws.WSA_WAIT_TIMEOUT, 'no second FD_CONNECT');
      const again = h.enumNetworkEvents(client, ev);
      h.assert.equal(again.lNetworkEvents, 0, `lNetworkEvents after the re-select ${again.lNetworkEvents}`);
    },
  },
  {
    id: 'nonblocking.connect-event-reselect',
    title: 'a connection completed while FD_CONNECT was not selected: a later WSAEventSelect including FD_CONNECT records it',
    source: 'wine sock.c test_connect_events ("select on a subset not containing FD_CONNECT first": check_events_todo(FD_CONNECT), i.e. Windows reports it, Wine does not)',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      const client = h.socket();
      const ev = h.eventSelect(client, ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_READ | ws.FD_WRITE, 'WSAEventSelect without FD_CONNECT');
      const ret = ws.connect(client, h.loopback(port), 16);
      if (ret !== 0) h.expectError(ret, ws.SOCKET_ERROR, ws.WSAEWOULDBLOCK, 'non-blocking connect');
      const server = h.accept(listener);
      const first = await h.waitNetworkEvents(client, ev, 'FD_WRITE');
      h.assert.equal(first.lNetworkEvents, ws.FD_WRITE, `lNetworkEvents before FD_CONNECT is selected ${first.lNetworkEvents}`);
      h.expectOk(ws.WSAEventSelect(client, ev, ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ | ws.FD_WRITE), 'WSAEventSelect with FD_CONNECT');
      const ne = await h.waitNetworkEvents(client, ev, 'FD_CONNECT at re-select');
      h.assert.equal(ne.lNetworkEvents & ws.FD_CONNECT, ws.FD_CONNECT, `lNetworkEvents ${ne.lNetworkEvents}`);
      h.assert.equal(ne.iErrorCode[ws.FD_CONNECT_BIT], 0, 'FD_CONNECT error code');
    },
  },
  {
    id: 'nonblocking.accepted-no-connect-event',
    title: 'a socket from accept() never records FD_CONNECT: neither by the inherited association nor by its own WSAEventSelect',
    source: 'wine sock.c test_accept_events ("The socket returned from accept() inherits the same parameters": FD_WRITE only), test_write_events (select FD_CONNECT|FD_WRITE|... on the accepted end of tcp_socketpair: FD_WRITE only), test_read_events (no FD_WRITE selected: no event)',
    async run(ws, h) {
      const { socket: listener, port } = h.listener();
      const withConnect = ws.FD_ACCEPT | ws.FD_CLOSE | ws.FD_CONNECT | ws.FD_READ | ws.FD_WRITE;
      const ev = h.eventSelect(listener, withConnect, 'WSAEventSelect(listener)');
      const client = h.socket();
      h.expectOk(ws.connect(client, h.loopback(port), 16), 'connect');
      const accept = await h.waitNetworkEvents(listener, ev, 'FD_ACCEPT');
      h.assert.equal(accept.lNetworkEvents, ws.FD_ACCEPT, `listener lNetworkEvents ${accept.lNetworkEvents}`);
      const server = h.accept(listener);
      const inherited = await h.waitNetworkEvents(server, ev, 'FD_WRITE on the accepted socket');
      h.assert.equal(inherited.lNetworkEvents, ws.FD_WRITE, `inherited association: lNetworkEvents ${inherited.lNetworkEvents}`);

      const pair = h.pair();
      const ev2 = h.eventSelect(pair.server, withConnect, 'WSAEventSelect(accepted socket)');
      const own = await h.waitNetworkEvents(pair.server, ev2, 'FD_WRITE on the accepted socket (own select)');
      h.assert.equal(own.lNetworkEvents, ws.FD_WRITE, `own association: lNetworkEvents ${own.lNetworkEvents}`);
      h.expectOk(ws.WSAEventSelect(pair.server, ev2, 0), 'WSAEventSelect(0)');
      const ev3 = h.eventSelect(pair.server, ws.FD_CONNECT | ws.FD_READ | ws.FD_CLOSE, 'WSAEventSelect(FD_CONNECT|FD_READ|FD_CLOSE)');
      h.assert.equal(ws.WSAWaitForMultipleEvents(1, [ev3], false, 200, false), ws.WSA_WAIT_TIMEOUT, 'no FD_CONNECT for an accepted socket');
    },
  },
];
