#!/usr/bin/env node
// Loopback echo between TWO Node processes through the Winsock API, one completion model on each side:
//  - this process is the server: a non-blocking listener with WSAEventSelect(FD_ACCEPT), overlapped WSARecv /
//    WSASend with hEvent, waited for with WSAWaitForMultipleEventsAsync (the lecture's event model);
//  - the child it spawns is the client: overlapped WSASend / WSARecv with completion routines, run by
//    SleepExAsync(INFINITE, true) (the lecture's callback model).
// Under Wine (scripts/test-windows.sh) both are Windows node.exe processes on real (Wine) Winsock.
// Prints one line per check, then `N passed, N failed`; exit code 1 if any failed.
//
//   node echo-two-processes.mjs --module <path to dist/index.js> [--messages 200]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WAIT_MS, check, modulePath, option, ws } from './script-setup.mjs';

const messages = Number(option('--messages', '200'));
const role = option('--role', 'server');

/** Message i: a header byte count that varies, so receives see partial and coalesced segments. */
function message(i) {
  const body = Buffer.alloc(1 + ((i * 37) % 1500), i & 0xff);
  const framed = Buffer.alloc(4 + body.length);
  framed.writeUInt32LE(body.length, 0);
  body.copy(framed, 4);
  return framed;
}

async function waitOne(event, what) {
  const r = await ws.WSAWaitForMultipleEventsAsync(1, [event], false, WAIT_MS, false);
  check(r === ws.WSA_WAIT_EVENT_0, `${what}: wait returned ${r}`);
}

async function server() {
  check(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA()) === 0, 'WSAStartup');
  const listener = ws.WSASocket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP, null, 0, ws.WSA_FLAG_OVERLAPPED);
  const addr = new ws.SOCKADDR_IN();
  addr.sin_addr.s_addr = ws.htonl(ws.INADDR_LOOPBACK);
  check(ws.bind(listener, addr, 16) === 0, 'bind');
  check(ws.listen(listener, ws.SOMAXCONN) === 0, 'listen');
  const bound = new ws.SOCKADDR_IN();
  check(ws.getsockname(listener, bound, new ws.INT(16)) === 0, 'getsockname');
  const acceptEvent = ws.WSACreateEvent();
  check(ws.WSAEventSelect(listener, acceptEvent, ws.FD_ACCEPT) === 0, 'WSAEventSelect');

  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--role', 'client', '--module', modulePath,
    '--messages', String(messages), '--port', String(ws.ntohs(bound.sin_port))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const childLines = [];
  createInterface({ input: child.stdout }).on('line', (line) => childLines.push(line));
  const childExit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));

  await waitOne(acceptEvent, 'FD_ACCEPT');
  const events = new ws.WSANETWORKEVENTS();
  check(ws.WSAEnumNetworkEvents(listener, acceptEvent, events) === 0, 'WSAEnumNetworkEvents');
  check((events.lNetworkEvents & ws.FD_ACCEPT) !== 0, 'FD_ACCEPT recorded');
  const client = ws.accept(listener, null, null);
  check(client !== ws.INVALID_SOCKET, 'accept');
  check(ws.WSAEventSelect(client, ws.WSA_INVALID_EVENT, 0) === 0, 'drop the inherited WSAEventSelect');
  const nonBlocking = new ws.DWORD(0);
  check(ws.ioctlsocket(client, ws.FIONBIO, nonBlocking) === 0, 'back to blocking mode');

  // Echo every byte back until the client closes: one overlapped receive, then one overlapped send of it.
  const ioEvent = ws.WSACreateEvent();
  const ov = new ws.WSAOVERLAPPED();
  ov.hEvent = ioEvent;
  const buf = Buffer.alloc(64 * 1024);
  let echoed = 0;
  for (;;) {
    const got = new ws.DWORD();
    const flags = new ws.DWORD();
    if (ws.WSARecv(client, [new ws.WSABUF(buf, buf.length)], 1, got, flags, ov, null) !== 0) {
      check(ws.WSAGetLastError() === ws.WSA_IO_PENDING, 'WSARecv pending');
      await waitOne(ioEvent, 'receive');
      check(ws.WSAGetOverlappedResult(client, ov, got, false, flags), 'WSAGetOverlappedResult (recv)');
    }
    if (got.value === 0) break;  // graceful close
    const sent = new ws.DWORD();
    if (ws.WSASend(client, [new ws.WSABUF(buf, got.value)], 1, sent, 0, ov, null) !== 0) {
      check(ws.WSAGetLastError() === ws.WSA_IO_PENDING, 'WSASend pending');
      await waitOne(ioEvent, 'send');
      check(ws.WSAGetOverlappedResult(client, ov, sent, false, new ws.DWORD()), 'WSAGetOverlappedResult (send)');
    }
    check(sent.value === got.value, `sent ${sent.value} of ${got.value}`);
    echoed += got.value;
  }
  ws.closesocket(client);
  ws.closesocket(listener);
  ws.WSACloseEvent(ioEvent);
  ws.WSACloseEvent(acceptEvent);
  const code = await childExit;
  return { echoed, code, childLines };
}

async function clientRole() {
  check(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA()) === 0, 'WSAStartup');
  const s = ws.WSASocket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP, null, 0, ws.WSA_FLAG_OVERLAPPED);
  const addr = new ws.SOCKADDR_IN();
  addr.sin_port = ws.htons(Number(option('--port', '0')));
  addr.sin_addr.s_addr = ws.htonl(ws.INADDR_LOOPBACK);
  check(ws.connect(s, addr, 16) === 0, 'connect');
  const expected = Buffer.concat(Array.from({ length: messages }, (_, i) => message(i)));

  // All sends in flight at once (they complete in order), and one receive re-posted from its own routine.
  let sendsDone = 0;
  let sendError = 0;
  for (let i = 0; i < messages; i++) {
    const data = message(i);
    const r = ws.WSASend(s, [new ws.WSABUF(data)], 1, null, 0, new ws.WSAOVERLAPPED(), (error) => {
      if (error !== 0) sendError = error;
      sendsDone++;
    });
    check(r === 0 || ws.WSAGetLastError() === ws.WSA_IO_PENDING, `WSASend ${i}`);
  }
  const received = Buffer.alloc(expected.length);
  let receivedBytes = 0;
  let recvError = 0;
  const recvOv = new ws.WSAOVERLAPPED();
  const post = () => {
    const view = received.subarray(receivedBytes);
    const r = ws.WSARecv(s, [new ws.WSABUF(view, view.length)], 1, null, new ws.DWORD(), recvOv, onReceived);
    if (r !== 0 && ws.WSAGetLastError() !== ws.WSA_IO_PENDING) recvError = ws.WSAGetLastError();
  };
  function onReceived(error, bytes) {
    if (error !== 0) recvError = error;
    else if (bytes === 0) recvError = -1;
    else receivedBytes += bytes;
    if (recvError === 0 && receivedBytes < expected.length) post();
  }
  post();
  const deadline = Date.now() + WAIT_MS * 3;
  while ((receivedBytes < expected.length || sendsDone < messages) && !recvError && !sendError && Date.now() < deadline) {
    await ws.SleepExAsync(WAIT_MS, true);
  }
  const ok = receivedBytes === expected.length && received.equals(expected) && sendsDone === messages;
  console.log(`client: ${messages} messages, ${expected.length} bytes sent, ${receivedBytes} echoed back` +
    `${ok ? ', identical' : ''} (send error ${sendError}, receive error ${recvError}, sends done ${sendsDone})`);
  ws.shutdown(s, ws.SD_SEND);
  ws.closesocket(s);
  process.exit(ok ? 0 : 1);
}

if (role === 'client') {
  await clientRole();
} else {
  const results = [];
  try {
    const { echoed, code, childLines } = await server();
    for (const line of childLines) console.log(`  ${line}`);
    const total = Array.from({ length: messages }, (_, i) => message(i).length).reduce((a, b) => a + b, 0);
    results.push([code === 0, `client process (completion routines + SleepExAsync) got every byte back, exit ${code}`]);
    results.push([echoed === total, `server process (events + WSAWaitForMultipleEventsAsync) echoed ${echoed} of ${total} bytes`]);
  } catch (error) {
    results.push([false, `echo server: ${error.message}`]);
  }
  for (const [ok, what] of results) console.log(`${ok ? 'ok  ' : 'FAIL'} echo: ${what}`);
  const passed = results.filter(([ok]) => ok).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exit(passed === results.length ? 0 : 1);
}
