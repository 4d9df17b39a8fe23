// The small toolbox every conformance case gets as `h`. It is built only from the public Winsock API passed in
// as `ws`, so the same cases run against the Linux emulation and against real Winsock (Windows, Wine).
// Every wait here has a finite timeout and fails with a message naming what it waited for: a broken backend
// makes a case fail, never hang.
import assert from 'node:assert/strict';

/** @typedef {typeof import('../../lib/index.js')} WinsockApi */
/** @typedef {ReturnType<typeof createHarness>} Harness */
/**
 * @typedef {object} ConformanceCase
 * @property {string} id        stable, dotted: `<topic>.<behaviour>`; known-differences.json refers to it
 * @property {string} title     the Windows behaviour, as one sentence
 * @property {string} [source]  where the behaviour is measured or documented (wine sock.c test, MS doc page)
 * @property {(ws: WinsockApi, h: Harness) => Promise<void>} run
 */

export const DEFAULT_TIMEOUT_MS = 5000;
/** Bytes the harness prepends in `deliver` so the receiver can learn that the payload has arrived. */
const MARKER = 0x7e;

/**
 * @param {WinsockApi} ws
 * @param {{ timeoutMs?: number }} [options]
 */
export function createHarness(ws, options = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  /** @type {Set<number>} */
  const sockets = new Set();
  /** @type {Set<number>} */
  const events = new Set();
  /** @type {Set<number>} */
  const ports = new Set();

  /** A Winsock error number with its name, for failure messages. */
  function errName(/** @type {number} */ code) {
    try {
      return `${ws.describeError(code).code} (${code})`;
    } catch {
      return String(code);
    }
  }

  const h = {
    assert,
    timeoutMs,
    errName,

    /** 127.0.0.1:port as a SOCKADDR_IN. */
    loopback(port = 0) {
      const addr = new ws.SOCKADDR_IN();
      addr.sin_family = ws.AF_INET;
      addr.sin_port = ws.htons(port);
      addr.sin_addr.s_addr = ws.htonl(ws.INADDR_LOOPBACK);
      return addr;
    },

    /** An overlapped TCP socket, closed by cleanup unless the case closes it with h.close. */
    socket() {
      const s = ws.WSASocket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP, null, 0, ws.WSA_FLAG_OVERLAPPED);
      assert.notEqual(s, ws.INVALID_SOCKET, `WSASocket failed: ${errName(ws.WSAGetLastError())}`);
      sockets.add(s);
      return s;
    },

    /** Hands a socket made elsewhere (accept) to cleanup. */
    adopt(/** @type {number} */ s) {
      sockets.add(s);
      return s;
    },

    /** closesocket, and forget it so cleanup does not close a number the system may have reused. */
    close(/** @type {number} */ s) {
      sockets.delete(s);
      return ws.closesocket(s);
    },

    event() {
      const e = ws.WSACreateEvent();
      assert.notEqual(e, ws.WSA_INVALID_EVENT, `WSACreateEvent failed: ${errName(ws.WSAGetLastError())}`);
      events.add(e);
      return e;
    },

    closeEvent(/** @type {number} */ e) {
      events.delete(e);
      return ws.WSACloseEvent(e);
    },

    /** The port a bound socket got. */
    portOf(/** @type {number} */ s) {
      const name = new ws.SOCKADDR_IN();
      const len = new ws.INT(16);
      assert.equal(ws.getsockname(s, name, len), 0, `getsockname failed: ${errName(ws.WSAGetLastError())}`);
      return ws.ntohs(name.sin_port);
    },

    /**
     * A listening socket on 127.0.0.1, port 0.
     * @param {{ backlog?: number, beforeListen?: (s: number) => void }} [opts]
     */
    listener(opts = {}) {
      const s = h.socket();
      assert.equal(ws.bind(s, h.loopback(0), 16), 0, `bind failed: ${errName(ws.WSAGetLastError())}`);
      opts.beforeListen?.(s);
      assert.equal(ws.listen(s, opts.backlog ?? ws.SOMAXCONN), 0, `listen failed: ${errName(ws.WSAGetLastError())}`);
      return { socket: s, port: h.portOf(s) };
    },

    /**
     * A connected pair of overlapped sockets over loopback. The connect is blocking but cannot wait on
     * anything: the listener's backlog completes it before accept runs. `bufferSize` sets SO_SNDBUF and
     * SO_RCVBUF on the listener (before listen) and on the client (before connect), before the hooks run.
     * @param {{ bufferSize?: number, beforeListen?: (s: number) => void, beforeConnect?: (s: number) => void }} [opts]
     */
    pair(opts = {}) {
      const sized = (/** @type {number} */ s) => {
        if (opts.bufferSize === undefined) return;
        h.expectOk(ws.setsockopt(s, ws.SOL_SOCKET, ws.SO_SNDBUF, new ws.DWORD(opts.bufferSize), 4), 'SO_SNDBUF');
        h.expectOk(ws.setsockopt(s, ws.SOL_SOCKET, ws.SO_RCVBUF, new ws.DWORD(opts.bufferSize), 4), 'SO_RCVBUF');
      };
      const { socket: listener, port } = h.listener({
        beforeListen: (s) => {
          sized(s);
          opts.beforeListen?.(s);
        },
      });
      const client = h.socket();
      sized(client);
      opts.beforeConnect?.(client);
      assert.equal(ws.connect(client, h.loopback(port), 16), 0, `connect failed: ${errName(ws.WSAGetLastError())}`);
      const server = ws.accept(listener, null, null);
      assert.notEqual(server, ws.INVALID_SOCKET, `accept failed: ${errName(ws.WSAGetLastError())}`);
      h.adopt(server);
      h.close(listener);
      return { client, server, port };
    },

    /**
     * accept() on a listener whose connection is known to be queued; the socket goes to cleanup.
     * @param {InstanceType<WinsockApi['SOCKADDR_IN']> | null} [addr]
     * @param {InstanceType<WinsockApi['INT']> | null} [addrlen]
     */
    accept(/** @type {number} */ listener, what = 'accept', addr = null, addrlen = null) {
      const s = ws.accept(listener, addr, addrlen);
      assert.notEqual(s, ws.INVALID_SOCKET, `${what}: ${errName(ws.WSAGetLastError())}`);
      return h.adopt(s);
    },

    /** SO_LINGER {1, 0} then closesocket: the connection is reset instead of closed with a FIN. */
    abortiveClose(/** @type {number} */ s) {
      const hard = new ws.LINGER();
      hard.l_onoff = 1;
      hard.l_linger = 0;
      h.expectOk(ws.setsockopt(s, ws.SOL_SOCKET, ws.SO_LINGER, hard, 4), 'SO_LINGER {1,0}');
      h.expectOk(h.close(s), 'closesocket (abortive)');
    },

    /** Asserts a Winsock failure: the return value and the thread's last error. */
    expectError(/** @type {unknown} */ ret, /** @type {unknown} */ failValue, /** @type {number} */ code, what = 'call') {
      const err = ws.WSAGetLastError();
      assert.equal(ret, failValue, `${what}: expected the failure value ${String(failValue)}, got ${String(ret)} (last error ${errName(err)})`);
      assert.equal(err, code, `${what}: expected last error ${errName(code)}, got ${errName(err)}`);
    },

    /** Asserts success (0) with the last error in the message. */
    expectOk(/** @type {unknown} */ ret, what = 'call') {
      assert.equal(ret, 0, `${what} failed: returned ${String(ret)}, last error ${errName(ws.WSAGetLastError())}`);
    },

    /** Asserts an overlapped start went pending: SOCKET_ERROR + WSA_IO_PENDING. */
    expectPending(/** @type {number} */ ret, what = 'overlapped call') {
      h.expectError(ret, ws.SOCKET_ERROR, ws.WSA_IO_PENDING, what);
    },

    /**
     * Starts an overlapped WSARecv that must pend (997), one WSABUF per Buffer. Unless a routine is given,
     * its hEvent is `opts.event` or a new harness event. Returns the WSAOVERLAPPED (`opts.ov`, or a new one).
     * @param {Buffer | Buffer[]} buffers
     * @param {{ event?: number, ov?: InstanceType<WinsockApi['WSAOVERLAPPED']>, bytes?: InstanceType<WinsockApi['DWORD']>,
     *   flags?: InstanceType<WinsockApi['DWORD']>, routine?: Parameters<WinsockApi['WSARecv']>[6] }} [opts]
     */
    pendingRecv(/** @type {number} */ s, buffers, what = 'WSARecv', opts = {}) {
      const ov = opts.ov ?? new ws.WSAOVERLAPPED();
      if (opts.event !== undefined || !opts.routine) ov.hEvent = opts.event ?? h.event();
      const bufs = (Array.isArray(buffers) ? buffers : [buffers]).map((b) => new ws.WSABUF(b));
      const r = ws.WSARecv(s, bufs, bufs.length, opts.bytes ?? new ws.DWORD(), opts.flags ?? new ws.DWORD(), ov, opts.routine ?? null);
      h.expectPending(r, what);
      return ov;
    },

    /** A new event selected for `mask` network events on `s` with WSAEventSelect. */
    eventSelect(/** @type {number} */ s, /** @type {number} */ mask, what = 'WSAEventSelect') {
      const ev = h.event();
      h.expectOk(ws.WSAEventSelect(s, ev, mask), what);
      return ev;
    },

    /** WSAEnumNetworkEvents now (it resets the event); returns the WSANETWORKEVENTS. */
    enumNetworkEvents(/** @type {number} */ s, /** @type {number} */ ev, what = 'WSAEnumNetworkEvents') {
      const ne = new ws.WSANETWORKEVENTS();
      h.expectOk(ws.WSAEnumNetworkEvents(s, ev, ne), what);
      return ne;
    },

    /** Waits for the event selected on `s`, then reads and clears its network events. */
    async waitNetworkEvents(/** @type {number} */ s, /** @type {number} */ ev, what = 'network event', ms = timeoutMs) {
      await h.waitEvent(ev, what, ms);
      return h.enumNetworkEvents(s, ev);
    },

    /** Is the event signalled right now? (a timeout-0 poll, which never runs completion routines) */
    isSignalled(/** @type {number} */ e) {
      const r = ws.WSAWaitForMultipleEvents(1, [e], false, 0, false);
      if (r === ws.WSA_WAIT_EVENT_0) return true;
      assert.equal(r, ws.WSA_WAIT_TIMEOUT, `polling an event returned ${r}, last error ${errName(ws.WSAGetLastError())}`);
      return false;
    },

    /** Waits (without blocking the event loop) until the event is signalled, or fails. */
    async waitEvent(/** @type {number} */ e, what = 'event', ms = timeoutMs) {
      const r = await h.within(ws.WSAWaitForMultipleEventsAsync(1, [e], false, ms, false), ms + 2000, `${what} (async wait)`);
      assert.notEqual(r, ws.WSA_WAIT_TIMEOUT, `timed out after ${ms} ms waiting for ${what}`);
      assert.equal(r, ws.WSA_WAIT_EVENT_0, `waiting for ${what} returned ${r}, last error ${errName(ws.WSAGetLastError())}`);
    },

    /**
     * Runs alertable waits until `done()` holds (completion routines run inside them), or fails.
     * @param {() => boolean} done
     */
    async alertUntil(done, what = 'completion routine', ms = timeoutMs) {
      const deadline = Date.now() + ms;
      while (!done()) {
        const left = deadline - Date.now();
        assert.ok(left > 0, `timed out after ${ms} ms waiting for ${what}`);
        const r = await h.within(ws.SleepExAsync(left, true), left + 2000, `${what} (SleepExAsync)`);
        assert.ok(r === 0 || r === ws.WAIT_IO_COMPLETION, `SleepExAsync returned ${r}`);
      }
    },

    /** Rejects if `promise` has not settled within `ms` (a Promise-level deadline; cannot stop a blocked thread). */
    within(/** @type {Promise<any>} */ promise, /** @type {number} */ ms, what = 'operation') {
      /** @type {NodeJS.Timeout | undefined} */
      let timer;
      const deadline = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`deadline: ${what} did not settle within ${ms} ms`)), ms);
      });
      return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
    },

    /** Plain blocking send of a small payload (fits in the socket buffer, so it cannot block). */
    send(/** @type {number} */ s, /** @type {Buffer | string} */ data) {
      const buf = Buffer.from(data);
      const n = ws.send(s, buf, buf.length, 0);
      assert.equal(n, buf.length, `send returned ${n}, last error ${errName(ws.WSAGetLastError())}`);
    },

    /**
     * One overlapped receive, waited for with an event; returns the bytes received (empty = graceful close).
     * @returns {Promise<Buffer>}
     */
    async recv(/** @type {number} */ s, size = 65536, what = 'WSARecv') {
      const buf = Buffer.alloc(size);
      const ov = new ws.WSAOVERLAPPED();
      const ev = h.event();
      ov.hEvent = ev;
      const bytes = new ws.DWORD();
      const flags = new ws.DWORD();
      const r = ws.WSARecv(s, [new ws.WSABUF(buf, size)], 1, bytes, flags, ov, null);
      if (r !== 0) {
        h.expectPending(r, what);
        await h.waitEvent(ev, what);
        const ok = ws.WSAGetOverlappedResult(s, ov, bytes, false, flags);
        assert.equal(ok, true, `${what}: WSAGetOverlappedResult failed with ${errName(ws.WSAGetLastError())}`);
      }
      h.closeEvent(ev);
      return buf.subarray(0, bytes.value);
    },

    /** Receives exactly `n` bytes (bounded: at most n receives). */
    async recvExactly(/** @type {number} */ s, /** @type {number} */ n, what = 'WSARecv') {
      /** @type {Buffer[]} */
      const parts = [];
      let got = 0;
      for (let i = 0; i < n && got < n; i++) {
        const part = await h.recv(s, n - got, what);
        assert.ok(part.length > 0, `${what}: connection closed after ${got} of ${n} bytes`);
        parts.push(part);
        got += part.length;
      }
      return Buffer.concat(parts);
    },

    /**
     * Sends a marker byte + `data` in one send and receives the marker on `to`, so that `data` is known to sit
     * in `to`'s receive buffer (one small loopback send travels as one segment). No sleeping involved.
     */
    async deliver(/** @type {number} */ from, /** @type {number} */ to, /** @type {Buffer | string} */ data) {
      h.send(from, Buffer.concat([Buffer.from([MARKER]), Buffer.from(data)]));
      const got = await h.recv(to, 1, 'receiving the delivery marker');
      assert.deepEqual([...got], [MARKER], 'delivery marker');
    },

    /** A new completion port: CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, threads), closed by cleanup. */
    port(threads = 0) {
      const p = ws.CreateIoCompletionPort(ws.INVALID_HANDLE_VALUE, 0, 0, threads);
      assert.ok(p !== 0 && p !== ws.INVALID_HANDLE_VALUE,
        `CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, ${threads}) returned ${p}, last error ${errName(ws.WSAGetLastError())}`);
      ports.add(p);
      return p;
    },

    /** Hands a port made elsewhere (CreateIoCompletionPort(socket, NULL, ...)) to cleanup. */
    adoptPort(/** @type {number} */ p) {
      ports.add(p);
      return p;
    },

    /** CloseHandle(port), and forget it so cleanup does not close it again. */
    closePort(/** @type {number} */ p) {
      ports.delete(p);
      return ws.CloseHandle(p);
    },

    /**
     * CreateIoCompletionPort(s, port, key, 0), which must return that same port.
     * @param {number | bigint} key
     */
    associate(/** @type {number} */ s, /** @type {number} */ port, key, what = 'CreateIoCompletionPort(socket, port)') {
      const r = ws.CreateIoCompletionPort(s, port, key, 0);
      assert.equal(r, port, `${what}: expected the port ${port} back, got ${r} (last error ${errName(ws.WSAGetLastError())})`);
      return r;
    },

    /**
     * One GetQueuedCompletionStatusAsync with sentinel boxes (bytes 0xdead, key 0xbeef, overlapped null), bounded by a
     * Promise deadline too. `error` is the thread's last error read right after a FALSE result (0 after TRUE).
     * @returns {Promise<{ ok: boolean, error: number, bytes: number, key: number | bigint, overlapped: object | null }>}
     */
    async dequeue(/** @type {number} */ port, what = 'a completion packet', ms = timeoutMs) {
      const bytes = new ws.DWORD(0xdead);
      const key = new ws.ULONG_PTR();
      key.value = 0xbeef;
      const overlapped = new ws.LPOVERLAPPED();
      overlapped.value = null;
      const ok = await h.within(ws.GetQueuedCompletionStatusAsync(port, bytes, key, overlapped, ms), ms + 2000, `${what} (GetQueuedCompletionStatusAsync)`);
      const error = ok ? 0 : ws.WSAGetLastError();
      return { ok, error, bytes: bytes.value, key: key.value, overlapped: overlapped.value };
    },

    /**
     * Dequeues one packet (waiting at most `ms`) and asserts what is given of it: `ok` (default true), `error` (the
     * last error of a FALSE result), `bytes`, `key` (strictly: a bigint key is not the number key), `overlapped` (the very object).
     * @param {{ ok?: boolean, error?: number, bytes?: number, key?: number | bigint, overlapped?: object | null }} expected
     */
    async expectPacket(/** @type {number} */ port, expected, what = 'completion packet', ms = timeoutMs) {
      const got = await h.dequeue(port, what, ms);
      const wantOk = expected.ok ?? true;
      assert.ok(got.ok || got.error !== 258 || got.overlapped !== null, `${what}: no packet within ${ms} ms (FALSE, WAIT_TIMEOUT)`);
      assert.equal(got.ok, wantOk, `${what}: GetQueuedCompletionStatus returned ${got.ok} (last error ${got.error}, bytes ${got.bytes}, key ${String(got.key)})`);
      if (!wantOk && expected.error !== undefined) assert.equal(got.error, expected.error, `${what}: GetLastError() after the FALSE result`);
      if ('overlapped' in expected) assert.ok(got.overlapped === expected.overlapped, `${what}: lpOverlapped is not the expected object (got ${got.overlapped === null ? 'NULL' : 'another object'})`);
      if (expected.bytes !== undefined) assert.equal(got.bytes, expected.bytes, `${what}: bytes transferred`);
      if ('key' in expected) assert.equal(got.key, expected.key, `${what}: completion key`);
      return got;
    },

    /** Asserts that nothing is queued on `port` now: a timeout-0 GetQueuedCompletionStatus times out (258, overlapped NULL). */
    expectNoPacket(/** @type {number} */ port, what = 'nothing queued') {
      const bytes = new ws.DWORD(0xdead);
      const key = new ws.ULONG_PTR();
      key.value = 0xbeef;
      const overlapped = new ws.LPOVERLAPPED();
      overlapped.value = null;
      const ok = ws.GetQueuedCompletionStatus(port, bytes, key, overlapped, 0);
      const error = ws.WSAGetLastError();
      assert.ok(!ok && overlapped.value === null,
        `${what}: a packet was queued (returned ${ok}, last error ${error}, bytes ${bytes.value}, key ${String(key.value)})`);
      assert.equal(error, 258, `${what}: polling an empty port: last error`);
    },

    /** Closes what the case left open and runs routines still queued, so nothing leaks into the next case. */
    async cleanup() {
      for (const s of sockets) ws.closesocket(s);
      sockets.clear();
      for (const e of events) ws.WSACloseEvent(e);
      events.clear();
      for (const p of ports) ws.CloseHandle(p);
      ports.clear();
      for (let i = 0; i < 100 && ws.SleepEx(0, true) === ws.WAIT_IO_COMPLETION; i++);
    },
  };
  return h;
}
