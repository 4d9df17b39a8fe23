// The Async waits never block the event loop, and keep the process alive exactly while they are pending.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as ws from '../lib/index.js';
import { CHILD_LIMIT_MS, PREAMBLE, runChild } from './helpers/child.js';
import { useWinsockHarness } from './helpers/winsock-suite.js';

const h = useWinsockHarness();

describe('Async waits and the event loop', () => {
  it('a timer fires while WSAWaitForMultipleEventsAsync is pending, and its WSASetEvent ends the wait', async () => {
    const ev = h.event();
    let timerRan = false;
    const wait = ws.WSAWaitForMultipleEventsAsync(1, [ev], false, ws.WSA_INFINITE, false);
    setTimeout(() => {
      timerRan = true;
      ws.WSASetEvent(ev);
    }, 20);
    expect(await h.within(wait, 5000, 'the async wait')).toBe(ws.WSA_WAIT_EVENT_0);
    expect(timerRan).toBe(true);
  });

  it('intervals keep ticking during a pending SleepExAsync and an async wait that times out', async () => {
    let ticks = 0;
    const interval = setInterval(() => ticks++, 10);
    try {
      expect(await ws.SleepExAsync(200, false)).toBe(0);
      const afterSleep = ticks;
      expect(afterSleep).toBeGreaterThanOrEqual(3);
      expect(await ws.WSAWaitForMultipleEventsAsync(1, [h.event()], false, 200, true)).toBe(ws.WSA_WAIT_TIMEOUT);
      expect(ticks - afterSleep).toBeGreaterThanOrEqual(3);
    } finally {
      clearInterval(interval);
    }
  });

  it('a child with a pending WSARecv (event and routine) that awaits nothing exits on its own with code 0', async () => {
    const script = `${PREAMBLE}
const { client: c, server: s } = pair();
const ov = new ws.WSAOVERLAPPED(); ov.hEvent = ws.WSACreateEvent();
const r1 = ws.WSARecv(s, [new ws.WSABUF(Buffer.alloc(16))], 1, new ws.DWORD(), new ws.DWORD(), ov, null);
const r2 = ws.WSARecv(c, [new ws.WSABUF(Buffer.alloc(16))], 1, new ws.DWORD(), new ws.DWORD(), new ws.WSAOVERLAPPED(), () => {});
if (r1 !== ws.SOCKET_ERROR || r2 !== ws.SOCKET_ERROR || ws.WSAGetLastError() !== ws.WSA_IO_PENDING) throw new Error('not pending');
console.log('pending');
`;
    const { exited } = runChild(script);
    const result = await exited;
    expect(result.lines, result.stderr).toContain('pending');
    expect({ code: result.code, signal: result.signal }, `stderr: ${result.stderr}`).toEqual({ code: 0, signal: null });
  });

  it('a child awaiting WSAWaitForMultipleEventsAsync(INFINITE) stays alive until the peer sends, then exits 0', async () => {
    const script = `${PREAMBLE}
const { l, port } = listenOn0();
console.log('ready ' + port);
const s = ws.accept(l, null, null);
const buf = Buffer.alloc(16);
const ov = new ws.WSAOVERLAPPED(); ov.hEvent = ws.WSACreateEvent();
const r = ws.WSARecv(s, [new ws.WSABUF(buf)], 1, new ws.DWORD(), new ws.DWORD(), ov, null);
if (r !== ws.SOCKET_ERROR || ws.WSAGetLastError() !== ws.WSA_IO_PENDING) throw new Error('not pending');
console.log('waiting');
const w = await ws.WSAWaitForMultipleEventsAsync(1, [ov.hEvent], false, ws.WSA_INFINITE, false);
console.log('woke ' + w + ' ' + buf.subarray(0, ov.InternalHigh).toString());
`;
    let peer: ReturnType<typeof connect> | undefined;
    let reachedWait: () => void = () => {};
    const waiting = new Promise<void>((resolve) => (reachedWait = resolve));
    const { child, exited } = runChild(script, { onLine: (line) => {
      const ready = /^ready (\d+)$/.exec(line);
      if (ready) peer = connect(Number(ready[1]), '127.0.0.1');
      if (line === 'waiting') reachedWait();
    } });
    try {
      await h.within(Promise.race([waiting, exited.then((r) => Promise.reject(new Error(`child exited early: ${JSON.stringify(r)}`)))]), CHILD_LIMIT_MS, "the child's 'waiting' line");
      // Liveness is an absence of exit, which no event announces: observe it for a bounded 500 ms.
      await new Promise((r) => setTimeout(r, 500));
      expect(child.exitCode, 'the pending async wait keeps the child alive').toBeNull();
      peer!.write('go');
      const result = await exited;
      expect(result.lines, result.stderr).toContain(`woke ${ws.WSA_WAIT_EVENT_0} go`);
      expect({ code: result.code, signal: result.signal }, `stderr: ${result.stderr}`).toEqual({ code: 0, signal: null });
    } finally {
      peer?.destroy();
      child.kill('SIGKILL');
    }
  });
});
