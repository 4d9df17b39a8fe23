// Smoke test: an echo over loopback in both completion models, plus close-while-pending.
// Run after `pnpm build`: node scripts/smoke.mjs
import assert from 'node:assert/strict';
import * as ws from '../dist/index.js';

function check(ok, what) {
  if (!ok) throw new Error(`${what} failed: ${ws.describeError(ws.WSAGetLastError()).code}`);
}

function loopbackPair() {
  const listener = ws.socket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP);
  const addr = new ws.SOCKADDR_IN();
  addr.sin_addr.s_addr = ws.htonl(ws.INADDR_LOOPBACK);
  check(ws.bind(listener, addr, 16) === 0, 'bind');
  check(ws.listen(listener, ws.SOMAXCONN) === 0, 'listen');
  check(ws.getsockname(listener, addr, new ws.INT(16)) === 0, 'getsockname');
  const client = ws.socket(ws.AF_INET, ws.SOCK_STREAM, 0);
  check(ws.connect(client, addr, 16) === 0, 'connect');
  const peer = new ws.SOCKADDR_IN();
  const server = ws.accept(listener, peer, new ws.INT(16));
  check(server !== ws.INVALID_SOCKET, 'accept');
  console.log(`connected: port ${ws.ntohs(addr.sin_port)}, peer ${ws.inet_ntop(ws.AF_INET, peer.sin_addr)}`);
  ws.closesocket(listener);
  return { client, server };
}

function clientRoundTrip(client, text) {
  assert.equal(ws.send(client, Buffer.from(text), text.length, 0), text.length);
  return (received) => {
    const buf = Buffer.alloc(64);
    const n = ws.recv(client, buf, buf.length, 0);
    assert.equal(buf.subarray(0, n).toString(), received);
  };
}

async function eventModel() {
  const { client, server } = loopbackPair();
  const ov = new ws.WSAOVERLAPPED();
  ov.hEvent = ws.WSACreateEvent();
  const buf = Buffer.alloc(1000);
  const bytes = new ws.DWORD(), flags = new ws.DWORD();
  // Posted before the data exists, so it pends and completes on the I/O thread.
  const posted = ws.WSARecv(server, [new ws.WSABUF(buf, 1000)], 1, bytes, flags, ov, null);
  const expectEcho = clientRoundTrip(client, 'hello event');
  if (posted === ws.SOCKET_ERROR) {
    assert.equal(ws.WSAGetLastError(), ws.WSA_IO_PENDING);
    console.log('event model: WSARecv pending (WSA_IO_PENDING)');
    assert.equal(await ws.WSAWaitForMultipleEventsAsync(1, [ov.hEvent], true, ws.WSA_INFINITE, false), 0);
    assert.ok(ws.WSAGetOverlappedResult(server, ov, bytes, false, flags));
  }
  console.log(`event model: Data Recv Len = ${bytes.value} "${buf.subarray(0, bytes.value)}", Internal=${ov.Internal}`);
  const sent = new ws.DWORD();
  const r = ws.WSASend(server, [new ws.WSABUF(buf, bytes.value)], 1, sent, 0, ov, null);
  if (r === ws.SOCKET_ERROR) {
    assert.equal(ws.WSAGetLastError(), ws.WSA_IO_PENDING);
    await ws.WSAWaitForMultipleEventsAsync(1, [ov.hEvent], true, ws.WSA_INFINITE, false);
    ws.WSAGetOverlappedResult(server, ov, sent, true, flags);
  }
  expectEcho('hello event');
  console.log(`event model: echoed ${sent.value} bytes`);

  // A pending receive aborted by closesocket: the event is set and the result is WSA_OPERATION_ABORTED.
  assert.equal(ws.WSARecv(server, [new ws.WSABUF(buf, 1000)], 1, bytes, flags, ov, null), ws.SOCKET_ERROR);
  assert.equal(ws.WSAGetLastError(), ws.WSA_IO_PENDING);
  assert.equal(ov.Internal, ws.STATUS_PENDING);
  ws.closesocket(server);
  assert.equal(ws.WSAWaitForMultipleEvents(1, [ov.hEvent], true, 1000, false), 0);
  assert.equal(ws.WSAGetOverlappedResult(server, ov, bytes, false, flags), false);
  console.log(`event model: close-while-pending -> ${ws.describeError(ws.WSAGetLastError()).code}`);
  ws.WSACloseEvent(ov.hEvent);
  ws.closesocket(client);
}

class Session extends ws.WSAOVERLAPPED {
  recvBuffer = Buffer.alloc(1000);
  echoes = 0;
}

async function callbackModel() {
  const { client, server } = loopbackPair();
  const session = new Session();
  const onSend = (error, sent, ov) => {
    assert.equal(ov, session);
    console.log(`callback model: send routine error=${error} bytes=${sent}`);
  };
  const onRecv = (error, received, ov) => {
    assert.equal(ov, session); // the very object, subclass and all
    console.log(`callback model: recv routine error=${error} bytes=${received} "${ov.recvBuffer.subarray(0, received)}"`);
    ws.WSASend(server, [new ws.WSABUF(ov.recvBuffer, received)], 1, null, 0, ov, onSend);
  };
  const flags = new ws.DWORD();
  const r = ws.WSARecv(server, [new ws.WSABUF(session.recvBuffer, 1000)], 1, null, flags, session, onRecv);
  console.log(`callback model: WSARecv -> ${r === 0 ? 'done at once' : ws.describeError(ws.WSAGetLastError()).code}`);
  const expectEcho = clientRoundTrip(client, 'hello routine');
  assert.equal(await ws.SleepExAsync(ws.INFINITE, true), ws.WAIT_IO_COMPLETION);
  assert.equal(ws.SleepEx(1000, true), ws.WAIT_IO_COMPLETION); // blocking form runs the send routine
  expectEcho('hello routine');
  assert.equal(ws.SleepEx(0, true), 0);
  assert.equal(await ws.SleepExAsync(10, true), 0);

  // Close-while-pending with a routine: it runs once, with WSA_OPERATION_ABORTED.
  let aborted = 0;
  ws.WSARecv(server, [new ws.WSABUF(session.recvBuffer, 1000)], 1, null, flags, session, (error) => {
    aborted = error;
  });
  ws.closesocket(server);
  assert.equal(await ws.SleepExAsync(1000, true), ws.WAIT_IO_COMPLETION);
  console.log(`callback model: close-while-pending -> routine error ${aborted} (${ws.describeError(aborted).code})`);
  ws.closesocket(client);
}

const data = new ws.WSADATA();
assert.equal(ws.WSAStartup(ws.MAKEWORD(2, 2), data), 0);
console.log(`WSAStartup: ${data.szDescription} ${ws.LOBYTE(data.wVersion)}.${ws.HIBYTE(data.wVersion)}`);
await eventModel();
await callbackModel();
ws.WSACleanup();
console.log('smoke: OK');
