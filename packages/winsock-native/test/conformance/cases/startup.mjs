// WSAStartup/WSACleanup, byte-order and address helpers, the numeric constants, last error, describeError.

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const cases = [
  {
    id: 'startup.wsastartup-2-2',
    title: 'WSAStartup(MAKEWORD(2,2)) returns 0 and fills WSADATA with version 2.2',
    source: 'MS doc: WSAStartup; wine sock.c test_startup',
    async run(ws, h) {
      const data = new ws.WSADATA();
      h.assert.equal(ws.WSAStartup(ws.MAKEWORD(2, 2), data), 0);
      try {
        h.assert.equal(data.wVersion, 0x0202, 'wVersion');
        h.assert.ok(data.wHighVersion >= 0x0202, `wHighVersion ${data.wHighVersion}`);
        h.assert.equal(typeof data.szDescription, 'string');
        h.assert.equal(typeof data.szSystemStatus, 'string');
      } finally {
        h.assert.equal(ws.WSACleanup(), 0, 'WSACleanup balancing the extra WSAStartup');
      }
    },
  },
  {
    id: 'startup.not-initialised',
    title: 'after the last WSACleanup, socket fails with WSANOTINITIALISED and WSACleanup itself fails the same way',
    source: 'MS doc: WSACleanup; wine sock.c test_WithoutWSAStartup',
    async run(ws, h) {
      // The suite holds one WSAStartup; undo every reference, probe, then restore exactly as many.
      let released = 0;
      try {
        let last = 0;
        for (; released < 16 && (last = ws.WSACleanup()) === 0; released++);
        h.assert.ok(released >= 1, 'the runner holds at least one WSAStartup reference');
        h.expectError(last, ws.SOCKET_ERROR, ws.WSANOTINITIALISED, 'WSACleanup without WSAStartup');
        const s = ws.socket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP);
        h.expectError(s, ws.INVALID_SOCKET, ws.WSANOTINITIALISED, 'socket without WSAStartup');
      } finally {
        for (let i = 0; i < released; i++) h.assert.equal(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA()), 0);
      }
    },
  },
  {
    id: 'startup.word-helpers',
    title: 'MAKEWORD, LOBYTE and HIBYTE pack and split 16-bit versions',
    source: 'MS doc: MAKEWORD macro',
    async run(ws, h) {
      h.assert.equal(ws.MAKEWORD(2, 2), 0x0202);
      h.assert.equal(ws.MAKEWORD(1, 2), 0x0201);
      h.assert.equal(ws.LOBYTE(0x0201), 1);
      h.assert.equal(ws.HIBYTE(0x0201), 2);
    },
  },
  {
    id: 'startup.byte-order',
    title: 'htons/ntohs/htonl/ntohl swap to network order and return unsigned values',
    source: 'MS doc: htonl (u_long is unsigned)',
    async run(ws, h) {
      h.assert.equal(ws.htons(0x1234), 0x3412);
      h.assert.equal(ws.ntohs(0x3412), 0x1234);
      h.assert.equal(ws.htonl(0x7f000001), 0x0100007f);
      h.assert.equal(ws.ntohl(0x0100007f), 0x7f000001);
      h.assert.equal(ws.htonl(0x000000ff), 0xff000000, 'htonl result is an unsigned 32-bit number');
      h.assert.equal(ws.htons(0x00ff), 0xff00, 'htons result is an unsigned 16-bit number');
    },
  },
  {
    id: 'startup.inet-pton-ntop',
    title: 'inet_pton parses dotted IPv4 into network order (1), rejects bad text (0); inet_ntop prints it back',
    source: 'MS doc: inet_pton, InetNtop',
    async run(ws, h) {
      const addr = new ws.IN_ADDR();
      h.assert.equal(ws.inet_pton(ws.AF_INET, '127.0.0.1', addr), 1);
      h.assert.equal(addr.s_addr, ws.htonl(ws.INADDR_LOOPBACK));
      h.assert.equal(ws.inet_ntop(ws.AF_INET, addr), '127.0.0.1');
      const other = new ws.IN_ADDR();
      h.assert.equal(ws.inet_pton(ws.AF_INET, '10.20.30.40', other), 1);
      h.assert.equal(ws.inet_ntop(ws.AF_INET, other), '10.20.30.40');
      h.assert.equal(ws.inet_pton(ws.AF_INET, 'not an address', new ws.IN_ADDR()), 0);
      h.assert.equal(ws.inet_pton(ws.AF_INET, '256.1.1.1', new ws.IN_ADDR()), 0);
    },
  },
  {
    id: 'startup.constants',
    title: 'every constant has its Winsock value',
    source: 'winsock2.h, winerror.h',
    async run(ws, h) {
      /** @type {Record<string, number>} */
      const expected = {
        AF_INET: 2, SOCK_STREAM: 1, IPPROTO_TCP: 6, INVALID_SOCKET: -1, SOCKET_ERROR: -1, WSA_FLAG_OVERLAPPED: 1,
        FIONBIO: 0x8004667e, SOMAXCONN: 0x7fffffff, INADDR_ANY: 0, INADDR_LOOPBACK: 0x7f000001,
        SD_RECEIVE: 0, SD_SEND: 1, SD_BOTH: 2, SOL_SOCKET: 0xffff, SO_REUSEADDR: 4, SO_LINGER: 0x80,
        SO_SNDBUF: 0x1001, SO_RCVBUF: 0x1002, SO_ERROR: 0x1007, TCP_NODELAY: 1, WSA_INVALID_EVENT: 0,
        INFINITE: 0xffffffff, WSA_INFINITE: 0xffffffff, WAIT_IO_COMPLETION: 192, WSA_WAIT_IO_COMPLETION: 192,
        WSA_WAIT_EVENT_0: 0, WSA_WAIT_TIMEOUT: 258, WSA_WAIT_FAILED: 0xffffffff, WSA_MAXIMUM_WAIT_EVENTS: 64,
        STATUS_PENDING: 0x103,
        FD_READ: 1, FD_WRITE: 2, FD_ACCEPT: 8, FD_CONNECT: 16, FD_CLOSE: 32,
        FD_READ_BIT: 0, FD_WRITE_BIT: 1, FD_ACCEPT_BIT: 3, FD_CONNECT_BIT: 4, FD_CLOSE_BIT: 5, FD_MAX_EVENTS: 10,
        WSA_IO_PENDING: 997, WSA_IO_INCOMPLETE: 996, WSA_OPERATION_ABORTED: 995, WSA_INVALID_HANDLE: 6,
        WSA_INVALID_PARAMETER: 87,
        WSAEINTR: 10004, WSAEFAULT: 10014, WSAEINVAL: 10022, WSAEWOULDBLOCK: 10035, WSAEINPROGRESS: 10036,
        WSAEALREADY: 10037, WSAENOTSOCK: 10038, WSAEMSGSIZE: 10040, WSAEOPNOTSUPP: 10045, WSAEADDRINUSE: 10048,
        WSAECONNABORTED: 10053, WSAECONNRESET: 10054, WSAEISCONN: 10056, WSAENOTCONN: 10057, WSAESHUTDOWN: 10058,
        WSAETIMEDOUT: 10060, WSAECONNREFUSED: 10061, WSANOTINITIALISED: 10093,
      };
      const api = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (ws));
      const wrong = Object.entries(expected)
        .filter(([name, value]) => api[name] !== value)
        .map(([name, value]) => `${name}: expected ${value}, got ${String(api[name])}`);
      h.assert.deepEqual(wrong, [], `constants with a wrong value:\n${wrong.join('\n')}`);
    },
  },
  {
    id: 'startup.last-error',
    title: 'WSASetLastError sets what WSAGetLastError returns',
    source: 'MS doc: WSASetLastError',
    async run(ws, h) {
      ws.WSASetLastError(12345);
      h.assert.equal(ws.WSAGetLastError(), 12345);
      ws.WSASetLastError(0);
      h.assert.equal(ws.WSAGetLastError(), 0);
    },
  },
  {
    id: 'startup.describe-error',
    title: 'describeError names every Winsock error of the contract with its number and a message',
    source: 'CONTRACT.md section 1',
    async run(ws, h) {
      const names = [
        'WSA_IO_PENDING', 'WSA_IO_INCOMPLETE', 'WSA_OPERATION_ABORTED', 'WSA_INVALID_HANDLE', 'WSA_INVALID_PARAMETER',
        'WSAEINTR', 'WSAEFAULT', 'WSAEINVAL', 'WSAEWOULDBLOCK', 'WSAEINPROGRESS', 'WSAEALREADY', 'WSAENOTSOCK',
        'WSAEMSGSIZE', 'WSAEOPNOTSUPP', 'WSAEADDRINUSE', 'WSAECONNABORTED', 'WSAECONNRESET', 'WSAEISCONN',
        'WSAENOTCONN', 'WSAESHUTDOWN', 'WSAETIMEDOUT', 'WSAECONNREFUSED', 'WSANOTINITIALISED',
      ];
      const api = /** @type {Record<string, number>} */ (/** @type {unknown} */ (ws));
      for (const name of names) {
        const d = ws.describeError(api[name]);
        h.assert.equal(d.code, name, `describeError(${api[name]}).code`);
        h.assert.equal(d.errno, api[name], `describeError(${api[name]}).errno`);
        h.assert.equal(typeof d.message, 'string');
        h.assert.ok(d.message.length > 0, `describeError(${api[name]}).message is empty`);
      }
    },
  },
  {
    id: 'startup.winsock-error',
    title: 'winsockError builds a WinsockError (an Error) carrying code, errno and syscall',
    source: 'CONTRACT.md section 1',
    async run(ws, h) {
      const e = ws.winsockError('WSARecv', ws.WSAECONNRESET);
      h.assert.ok(e instanceof ws.WinsockError);
      h.assert.ok(e instanceof Error);
      h.assert.equal(e.code, 'WSAECONNRESET');
      h.assert.equal(e.errno, 10054);
      h.assert.equal(e.syscall, 'WSARecv');
      h.assert.ok(e.message.includes('WSAECONNRESET'), `message names the code: ${e.message}`);
      ws.WSASetLastError(ws.WSAENOTSOCK);
      h.assert.equal(ws.winsockError('closesocket').errno, ws.WSAENOTSOCK, 'errno defaults to WSAGetLastError()');
    },
  },
];
