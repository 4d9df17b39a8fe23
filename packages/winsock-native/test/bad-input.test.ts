// Programming errors and hostile inputs: each gives its documented error (a TypeError naming the function for
// JS mistakes, a Winsock error for Winsock-level ones), never a crash. The worst run in a child process that
// must exit normally.
import { describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { PREAMBLE, runChild } from './helpers/child.js';
import { useWinsockHarness } from './helpers/winsock-suite.js';

const h = useWinsockHarness();

// Loose signatures for passing deliberately wrong types.
const loose = ws as unknown as Record<string, (...args: unknown[]) => unknown>;
const call = (name: string, ...args: unknown[]) => () => loose[name]!(...args);

/** A TypeError whose message names the function (and the argument, when given). */
function expectTypeError(fn: () => unknown, fnName: string, argName?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${fnName} should throw a TypeError`).toBeInstanceOf(TypeError);
  const message = (thrown as Error).message;
  expect(message).toContain(fnName);
  if (argName) expect(message).toContain(argName);
}

/** A receive started after a rejected call still gets the bytes: the rejected call started nothing. */
async function nothingWasStarted(server: number, client: number): Promise<void> {
  h.send(client, 'after');
  expect((await h.recvExactly(server, 5)).toString()).toBe('after');
  expect(ws.SleepEx(0, true), 'no routine was queued by the rejected call').toBe(0);
}

describe('wrong argument types throw a TypeError naming the function and argument', () => {
  it('WSARecv: socket, buffers, flags box, overlapped, routine', async () => {
    const { client, server } = h.pair();
    const wb = () => [new ws.WSABUF(Buffer.alloc(8))];
    const ov = () => new ws.WSAOVERLAPPED();
    expectTypeError(call('WSARecv', 'three', wb(), 1, new ws.DWORD(), new ws.DWORD(), ov(), null), 'WSARecv', 's');
    expectTypeError(call('WSARecv', server, 'not buffers', 1, new ws.DWORD(), new ws.DWORD(), ov(), null), 'WSARecv', 'lpBuffers');
    expectTypeError(call('WSARecv', server, [{ len: 8, buf: 'not a Buffer' }], 1, new ws.DWORD(), new ws.DWORD(), ov(), null), 'WSARecv', 'lpBuffers');
    expectTypeError(call('WSARecv', server, wb(), 1, new ws.DWORD(), null, ov(), null), 'WSARecv', 'lpFlags');
    expectTypeError(call('WSARecv', server, wb(), 1, new ws.DWORD(), 7, ov(), null), 'WSARecv', 'lpFlags');
    expectTypeError(call('WSARecv', server, wb(), 1, new ws.DWORD(), new ws.DWORD(), { hEvent: 0, Internal: 0 }, null), 'WSARecv', 'lpOverlapped');
    expectTypeError(call('WSARecv', server, wb(), 1, new ws.DWORD(), new ws.DWORD(), ov(), 123), 'WSARecv', 'lpCompletionRoutine');
    expectTypeError(call('WSARecv', server, wb(), 1, new ws.DWORD(), new ws.DWORD(), ov(), 'routine'), 'WSARecv', 'lpCompletionRoutine');
    await nothingWasStarted(server, client);
  });

  it('WSASend: buffers and non-function routine', async () => {
    const { client, server } = h.pair();
    expectTypeError(call('WSASend', client, 42, 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), null), 'WSASend', 'lpBuffers');
    expectTypeError(call('WSASend', client, [new ws.WSABUF(Buffer.from('x'))], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), {}), 'WSASend', 'lpCompletionRoutine');
    // Nothing was sent by the rejected calls: the first bytes the server sees are the next ones.
    await nothingWasStarted(server, client);
  });

  it('WSAGetOverlappedResult without its out-parameter boxes', () => {
    const { server } = h.pair();
    const ov = new ws.WSAOVERLAPPED();
    expectTypeError(call('WSAGetOverlappedResult', server, ov, null, false, new ws.DWORD()), 'WSAGetOverlappedResult', 'lpcbTransfer');
    expectTypeError(call('WSAGetOverlappedResult', server, ov, new ws.DWORD(), false, null), 'WSAGetOverlappedResult', 'lpdwFlags');
    expectTypeError(call('WSAGetOverlappedResult', server, 'ov', new ws.DWORD(), false, new ws.DWORD()), 'WSAGetOverlappedResult', 'lpOverlapped');
  });

  it('waits, events, options and addresses', () => {
    const s = h.socket();
    expectTypeError(call('WSAWaitForMultipleEvents', 1, 'events', false, 0, false), 'WSAWaitForMultipleEvents', 'lphEvents');
    expectTypeError(call('WSAWaitForMultipleEventsAsync', 1, 'events', false, 0, false), 'WSAWaitForMultipleEventsAsync', 'lphEvents');
    expectTypeError(call('WSASetEvent', 'event'), 'WSASetEvent');
    expectTypeError(call('setsockopt', s, ws.SOL_SOCKET, ws.SO_RCVBUF, 'big', 4), 'setsockopt', 'optval');
    expectTypeError(call('getsockopt', s, ws.SOL_SOCKET, ws.SO_RCVBUF, new ws.DWORD(), null), 'getsockopt', 'optlen');
    expectTypeError(call('bind', s, 'localhost:80', 16), 'bind', 'name');
    expectTypeError(call('ioctlsocket', s, ws.FIONBIO, null), 'ioctlsocket', 'argp');
  });
});

describe('Winsock-level bad input fails with the Winsock error', () => {
  it('a closed socket: WSAENOTSOCK for WSARecv, WSASend and closesocket', () => {
    const s = h.socket();
    h.expectOk(h.close(s), 'closesocket');
    const ov = new ws.WSAOVERLAPPED();
    ov.hEvent = h.event();
    h.expectError(ws.WSARecv(s, [new ws.WSABUF(Buffer.alloc(4))], 1, new ws.DWORD(), new ws.DWORD(), ov, null), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'WSARecv');
    h.expectError(ws.WSASend(s, [new ws.WSABUF(Buffer.alloc(4))], 1, new ws.DWORD(), 0, ov, null), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'WSASend');
    h.expectError(ws.closesocket(s), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'closesocket');
    h.expectError(ws.WSARecv(ws.INVALID_SOCKET, [new ws.WSABUF(Buffer.alloc(4))], 1, new ws.DWORD(), new ws.DWORD(), ov, null), ws.SOCKET_ERROR, ws.WSAENOTSOCK, 'WSARecv(INVALID_SOCKET)');
    expect(h.isSignalled(ov.hEvent)).toBe(false);
  });

  it('a closed event: WSA_INVALID_HANDLE (6) for set, reset, close and waits', async () => {
    const ev = h.event();
    expect(h.closeEvent(ev)).toBe(true);
    h.expectError(ws.WSASetEvent(ev), false, ws.WSA_INVALID_HANDLE, 'WSASetEvent');
    h.expectError(ws.WSAResetEvent(ev), false, ws.WSA_INVALID_HANDLE, 'WSAResetEvent');
    h.expectError(ws.WSACloseEvent(ev), false, ws.WSA_INVALID_HANDLE, 'WSACloseEvent');
    h.expectError(ws.WSAWaitForMultipleEvents(1, [ev], false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_HANDLE, 'wait');
    h.expectError(await ws.WSAWaitForMultipleEventsAsync(1, [ev], false, 0, false), ws.WSA_WAIT_FAILED, ws.WSA_INVALID_HANDLE, 'async wait');
  });

  it('a WSABUF longer than its Buffer: WSAEFAULT, nothing written or sent', async () => {
    const { client, server } = h.pair();
    await h.deliver(client, server, 'bytes');
    const small = Buffer.alloc(4, 0x2e);
    h.expectError(ws.WSARecv(server, [new ws.WSABUF(small, 100)], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), null), ws.SOCKET_ERROR, ws.WSAEFAULT, 'WSARecv with len > buf.length');
    h.expectError(ws.WSASend(client, [new ws.WSABUF(small, 100)], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), null), ws.SOCKET_ERROR, ws.WSAEFAULT, 'WSASend with len > buf.length');
    expect(small.toString()).toBe('....');
    expect((await h.recvExactly(server, 5)).toString(), 'the buffered bytes are still there').toBe('bytes');
  });

  it('a detached buffer (its ArrayBuffer transferred away): WSAEFAULT, no crash', async () => {
    const { client, server } = h.pair();
    await h.deliver(client, server, 'bytes');
    const ab = new ArrayBuffer(16);
    const buf = Buffer.from(ab);
    const wsabuf = new ws.WSABUF(buf, 16);
    const moved = structuredClone(ab, { transfer: [ab] });
    expect(ab.byteLength, 'the ArrayBuffer is detached').toBe(0);
    h.expectError(ws.WSARecv(server, [wsabuf], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), null), ws.SOCKET_ERROR, ws.WSAEFAULT, 'WSARecv into a detached buffer');
    h.expectError(ws.WSASend(client, [wsabuf], 1, new ws.DWORD(), 0, new ws.WSAOVERLAPPED(), null), ws.SOCKET_ERROR, ws.WSAEFAULT, 'WSASend from a detached buffer');
    expect(new Uint8Array(moved).every((b) => b === 0), 'the transferred memory was not written').toBe(true);
    expect((await h.recvExactly(server, 5)).toString()).toBe('bytes');
  });
});

describe('completion ports: wrong types throw, Winsock-level mistakes fail with the Windows error', () => {
  function port(): number {
    const handle = ws.CreateIoCompletionPort(ws.INVALID_HANDLE_VALUE, 0, 0, 0);
    expect(handle).not.toBe(0);
    return handle;
  }

  it('non-box out-parameters, entries that are not an array, keys that are no ULONG_PTR, overlappeds that are none', () => {
    const p = port();
    try {
      const s = h.socket();
      expectTypeError(call('GetQueuedCompletionStatus', p, 5, new ws.ULONG_PTR(), new ws.LPOVERLAPPED(), 0), 'GetQueuedCompletionStatus', 'lpNumberOfBytes');
      expectTypeError(call('GetQueuedCompletionStatus', p, new ws.DWORD(), null, new ws.LPOVERLAPPED(), 0), 'GetQueuedCompletionStatus', 'lpCompletionKey');
      expectTypeError(call('GetQueuedCompletionStatus', p, new ws.DWORD(), new ws.ULONG_PTR(), undefined, 0), 'GetQueuedCompletionStatus', 'lpOverlapped');
      expectTypeError(call('GetQueuedCompletionStatusEx', p, 'entries', 1, new ws.ULONG(), 0, false), 'GetQueuedCompletionStatusEx', 'lpCompletionPortEntries');
      expectTypeError(call('GetQueuedCompletionStatusEx', p, [new ws.OVERLAPPED_ENTRY()], 2, new ws.ULONG(), 0, false), 'GetQueuedCompletionStatusEx', 'lpCompletionPortEntries');
      // A frozen array is checked once, whole: one with a hole past the first call's count is still refused later.
      const holey = Object.freeze([new ws.OVERLAPPED_ENTRY(), undefined as unknown as ws.OVERLAPPED_ENTRY]);
      expect(ws.GetQueuedCompletionStatusEx(p, holey, 1, new ws.ULONG(), 0, false)).toBe(false);
      expect(ws.GetLastError()).toBe(ws.WAIT_TIMEOUT);
      expectTypeError(call('GetQueuedCompletionStatusEx', p, holey, 2, new ws.ULONG(), 0, false), 'GetQueuedCompletionStatusEx', 'lpCompletionPortEntries');
      expectTypeError(call('CreateIoCompletionPort', s, p, 'key', 0), 'CreateIoCompletionPort', 'CompletionKey');
      expectTypeError(call('CreateIoCompletionPort', s, p, -1, 0), 'CreateIoCompletionPort', 'CompletionKey');
      expectTypeError(call('CreateIoCompletionPort', s, p, 1.5, 0), 'CreateIoCompletionPort', 'CompletionKey');
      expectTypeError(call('PostQueuedCompletionStatus', p, 0, 1, { Internal: 0 }), 'PostQueuedCompletionStatus', 'lpOverlapped');
      expectTypeError(call('CancelIoEx', s, { hEvent: 0 }), 'CancelIoEx', 'lpOverlapped');
      expectTypeError(call('AcceptEx', s, h.socket(), Buffer.alloc(64), 0, 32, 32, new ws.DWORD(), { hEvent: 0 }), 'AcceptEx', 'lpOverlapped');
      // None of them queued or associated anything.
      expect(ws.GetQueuedCompletionStatus(p, new ws.DWORD(), new ws.ULONG_PTR(), new ws.LPOVERLAPPED(), 0)).toBe(false);
      expect(ws.GetLastError()).toBe(ws.WAIT_TIMEOUT);
      expect(ws.CreateIoCompletionPort(s, p, 1, 0), 'the socket is still free to associate').toBe(p);
    } finally {
      ws.CloseHandle(p);
    }
  });

  it('a closed port, a handle that is no port, a closed socket, a socket that is not associated', async () => {
    const p = port();
    expect(ws.CloseHandle(p)).toBe(true);
    const bytes = new ws.DWORD(7), key = new ws.ULONG_PTR(8), overlapped = new ws.LPOVERLAPPED();
    h.expectError(ws.GetQueuedCompletionStatus(p, bytes, key, overlapped, 0), false, ws.ERROR_INVALID_HANDLE, 'GetQueuedCompletionStatus on a closed port');
    h.expectError(await ws.GetQueuedCompletionStatusAsync(p, bytes, key, overlapped, 1000), false, ws.ERROR_INVALID_HANDLE, 'the Async form on a closed port');
    h.expectError(ws.PostQueuedCompletionStatus(p, 0, 0, new ws.WSAOVERLAPPED()), false, ws.ERROR_INVALID_HANDLE, 'PostQueuedCompletionStatus to a closed port');
    h.expectError(ws.CloseHandle(p), false, ws.ERROR_INVALID_HANDLE, 'CloseHandle twice');
    expect({ bytes: bytes.value, key: key.value }, 'no out-parameter but the overlapped written').toEqual({ bytes: 7, key: 8 });
    const s = h.socket();
    h.expectError(ws.CreateIoCompletionPort(s, p, 1, 0), 0, ws.ERROR_INVALID_HANDLE, 'associating with a closed port');
    const closed = h.socket();
    h.close(closed);
    const live = port();
    try {
      h.expectError(ws.CreateIoCompletionPort(closed, live, 1, 0), 0, ws.ERROR_INVALID_HANDLE, 'associating a closed socket');
      h.expectError(ws.SetFileCompletionNotificationModes(closed, ws.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS), false, ws.ERROR_INVALID_HANDLE, 'SetFileCompletionNotificationModes on a closed socket');
      // A socket that is not associated: its completions go nowhere near the port.
      const { client, server } = h.pair();
      const ov = new ws.WSAOVERLAPPED();
      ov.hEvent = h.event();
      h.expectPending(ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(8))], 1, null, new ws.DWORD(), ov, null), 'WSARecv on a free socket');
      h.send(client, 'x');
      await h.waitEvent(ov.hEvent, 'the receive completing');
      h.expectError(ws.GetQueuedCompletionStatus(live, bytes, key, overlapped, 0), false, ws.WAIT_TIMEOUT, 'no packet from a free socket');
      h.expectError(ws.CancelIoEx(server, null), false, ws.ERROR_NOT_FOUND, 'CancelIoEx with nothing pending');
    } finally {
      ws.CloseHandle(live);
    }
  });
});

describe('the worst cases run in a child process that must exit normally', () => {
  const cases: { name: string; script: string; lastLine: RegExp }[] = [
    {
      name: 'a pending receive whose ArrayBuffer is transferred away and collected before the data arrives',
      lastLine: /^completed true internal 0x/,
      script: `
const { client, server } = pair();
let ab = new ArrayBuffer(4096);
const ov = new ws.WSAOVERLAPPED(); ov.hEvent = ws.WSACreateEvent();
const r = ws.WSARecv(server, [new ws.WSABUF(Buffer.from(ab), 4096)], 1, new ws.DWORD(), new ws.DWORD(), ov, null);
if (r !== ws.SOCKET_ERROR || ws.WSAGetLastError() !== ws.WSA_IO_PENDING) throw new Error('not pending');
let moved = structuredClone(ab, { transfer: [ab] });
moved = null; ab = null;
for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
const data = Buffer.alloc(4096, 0x41);
ws.send(client, data, data.length, 0);
const w = await ws.WSAWaitForMultipleEventsAsync(1, [ov.hEvent], false, 5000, false);
console.log('completed ' + (w === 0) + ' internal 0x' + ov.Internal.toString(16));
`,
    },
    {
      name: 'every reference to a pending operation (overlapped, buffers, WSABUF) dropped and collected',
      lastLine: /^calls 1 same true$/,
      script: `
const { client, server } = pair();
let calls = 0; let sameObject = false;
(() => {
  const ov = new ws.WSAOVERLAPPED(); ov.tag = 'kept';
  const r = ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(64))], 1, new ws.DWORD(), new ws.DWORD(), ov, (e, n, o) => { calls++; sameObject = o.tag === 'kept'; });
  if (r !== ws.SOCKET_ERROR) throw new Error('not pending');
})();
for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setImmediate(r)); }
ws.send(client, Buffer.from('hello'), 5, 0);
for (let i = 0; i < 50 && calls === 0; i++) await ws.SleepExAsync(100, true);
console.log('calls ' + calls + ' same ' + sameObject);
`,
    },
    {
      name: 'closesocket and a new WSARecv from inside a completion routine',
      lastLine: /^first:0:1 again:995$/,
      script: `
const { client, server } = pair();
const seen = [];
const again = (e) => { seen.push('again:' + e); };
ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), (e, n) => {
  seen.push('first:' + e + ':' + n);
  ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), again);
  ws.closesocket(server);
});
ws.send(client, Buffer.from('x'), 1, 0);
for (let i = 0; i < 50 && seen.length < 2; i++) await ws.SleepExAsync(100, true);
console.log(seen.join(' '));
`,
    },
    {
      name: 'a completion routine that throws',
      lastLine: /^caught 1$/,
      script: `
const { client, server } = pair();
let caught = 0;
process.on('uncaughtException', () => { caught++; });
ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), () => { throw new Error('routine failed'); });
ws.send(client, Buffer.from('x'), 1, 0);
for (let i = 0; i < 50 && caught === 0; i++) {
  try { await ws.SleepExAsync(100, true); } catch { caught++; }
}
console.log('caught ' + caught);
`,
    },
    {
      name: 'WSACleanup and exit with operations still pending',
      lastLine: /^cleanup 0$/,
      script: `
const { client, server } = pair();
ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), () => {});
const ov = new ws.WSAOVERLAPPED(); ov.hEvent = ws.WSACreateEvent();
ws.WSARecv(client, [new ws.WSABUF(Buffer.alloc(8))], 1, new ws.DWORD(), new ws.DWORD(), ov, null);
console.log('cleanup ' + ws.WSACleanup());
`,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await runChild(`${PREAMBLE}\n${c.script}`, { nodeArgs: ['--expose-gc'] }).exited;
      expect({ code: result.code, signal: result.signal }, `stderr: ${result.stderr}`).toEqual({ code: 0, signal: null });
      expect(result.lines.at(-1) ?? '', `stdout: ${result.lines.join(' | ')}`).toMatch(c.lastLine);
    });
  }
});
