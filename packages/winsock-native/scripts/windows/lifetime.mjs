#!/usr/bin/env node
// Lifetime checks for a backend, in plain Node (the vitest suites need esbuild, which Windows node under Wine
// does not have here): close and reset with operations pending, a worker terminated mid-flight, and whether
// pending operations / async waits keep the process alive. Prints one line per check, then
// `N passed, N failed`; exit code 1 if any failed.
//
//   node lifetime.mjs --module <path to dist/index.js> [--role ...internal]
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { WAIT_MS, check, modulePath, moduleUrl, option, ws, loopbackPair } from './script-setup.mjs';

const self = fileURLToPath(import.meta.url);

/** Posts `count` receives with routines; returns the per-op completion log. */
function postReceives(s, count) {
  const log = Array.from({ length: count }, () => []);
  for (let i = 0; i < count; i++) {
    const r = ws.WSARecv(s, [new ws.WSABUF(Buffer.alloc(16))], 1, null, new ws.DWORD(), new ws.WSAOVERLAPPED(),
      (error, bytes) => log[i].push({ error, bytes }));
    check(r !== 0 && ws.WSAGetLastError() === ws.WSA_IO_PENDING, `WSARecv ${i} pending`);
  }
  return log;
}

async function drain(log) {
  const deadline = Date.now() + WAIT_MS;
  while (log.some((l) => l.length === 0) && Date.now() < deadline) await ws.SleepExAsync(200, true);
}

const checks = {
  async 'closesocket with 8 receives pending (50 rounds): each routine runs once with WSA_OPERATION_ABORTED'() {
    for (let round = 0; round < 50; round++) {
      const { client, server } = loopbackPair();
      const log = postReceives(server, 8);
      check(ws.closesocket(server) === 0, 'closesocket');
      await drain(log);
      for (const l of log) check(l.length === 1 && l[0].error === ws.WSA_OPERATION_ABORTED, `round ${round}: ${JSON.stringify(l)}`);
      ws.closesocket(client);
    }
  },
  async 'peer reset with 8 receives pending (50 rounds): each routine runs once with WSAECONNRESET'() {
    for (let round = 0; round < 50; round++) {
      const { client, server } = loopbackPair();
      const log = postReceives(server, 8);
      check(ws.setsockopt(client, ws.SOL_SOCKET, ws.SO_LINGER, new ws.LINGER(1, 0), 4) === 0, 'SO_LINGER 0');
      check(ws.closesocket(client) === 0, 'closesocket (reset)');
      await drain(log);
      for (const l of log) check(l.length === 1 && l[0].error === ws.WSAECONNRESET, `round ${round}: ${JSON.stringify(l)}`);
      ws.closesocket(server);
    }
  },
  async 'workers terminated with receives pending (async and blocking alertable waits, 10 rounds): process healthy'() {
    const worker = fileURLToPath(new URL('../../test/fixtures/recv-worker.mjs', import.meta.url));
    for (let round = 0; round < 10; round++) {
      const { client, server } = loopbackPair();
      const w = new Worker(worker, { workerData: { module: moduleUrl, sockets: [server], perSocket: 4, mode: round % 2 ? 'blocking' : 'async' } });
      const posted = await new Promise((resolve, reject) => { w.once('message', (m) => resolve(m.posted)); w.once('error', reject); });
      check(posted === 4, 'worker posted its receives');
      await w.terminate();
      ws.closesocket(server);
      ws.closesocket(client);
    }
    // Still healthy: an immediate echo on a fresh pair.
    const { client, server } = loopbackPair();
    check(ws.send(client, Buffer.from('ok'), 2, 0) === 2, 'send after the workers');
    const buf = Buffer.alloc(2);
    check(ws.recv(server, buf, 2, 0) === 2 && buf.toString() === 'ok', 'recv after the workers');
    ws.closesocket(server);
    ws.closesocket(client);
  },
  async 'a child with a pending WSARecv (event and routine) that awaits nothing exits by itself with code 0'() {
    const code = await child(['--role', 'idle-child']);
    check(code === 0, `child exit code ${code}`);
  },
  async 'a child awaiting WSAWaitForMultipleEventsAsync(INFINITE) stays alive until its event is set, then exits 0'() {
    const started = Date.now();
    const code = await child(['--role', 'waiting-child']);
    check(code === 0, `child exit code ${code}`);
    check(Date.now() - started >= 300, 'the child waited for its timer-set event');
  },
};

function child(extra) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [self, '--module', modulePath, ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
    const timer = setTimeout(() => p.kill(), WAIT_MS * 3);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const role = option('--role', 'main');
check(ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA()) === 0, 'WSAStartup');
if (role === 'idle-child') {
  // Nothing awaited: pending operations alone must not keep the process alive.
  const { server } = loopbackPair();
  const ov = new ws.WSAOVERLAPPED();
  ov.hEvent = ws.WSACreateEvent();
  ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(16))], 1, null, new ws.DWORD(), ov, null);
  ws.WSARecv(server, [new ws.WSABUF(Buffer.alloc(16))], 1, null, new ws.DWORD(), new ws.WSAOVERLAPPED(), () => {});
} else if (role === 'waiting-child') {
  const event = ws.WSACreateEvent();
  setTimeout(() => ws.WSASetEvent(event), 400).unref();  // only the pending wait may keep us alive
  const r = await ws.WSAWaitForMultipleEventsAsync(1, [event], false, ws.WSA_INFINITE, false);
  process.exitCode = r === ws.WSA_WAIT_EVENT_0 ? 0 : 1;
} else {
  let passed = 0;
  let failed = 0;
  for (const [name, run] of Object.entries(checks)) {
    try {
      await run();
      console.log(`ok   lifetime: ${name}`);
      passed++;
    } catch (error) {
      console.log(`FAIL lifetime: ${name}\n      ${error.message}`);
      failed++;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
