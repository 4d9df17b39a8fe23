#!/usr/bin/env node
// The lecture's programs end to end on this backend: apps/game-server (--echo, each completion strategy) with
// apps/dummy-client (20 sessions on @overlapped/core, each strategy), as separate processes over loopback: every
// server strategy against every client strategy, or with --same-strategy each strategy against itself.
// scripts/test-windows.sh stages the built apps next to a node_modules that resolves @overlapped/* to the
// Windows build and runs this with Windows node under Wine; the pack check (scripts/check-pack.sh at the
// repository root) runs it on the apps installed from their tarballs. Prints `N passed, N failed`.
//
//   node apps-echo.mjs <game-server's main.js> <dummy-client's main.js> [--same-strategy]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [gameServer, dummyClient, pairing] = process.argv.slice(2);
const TIMEOUT_MS = 45000;
/** Stats lines (one a second from each side) kept to print when a run fails: they show which side stalled. */
const TAIL_LINES = 6;

function keepTail(tail, line) {
  tail.push(line);
  if (tail.length > TAIL_LINES) tail.shift();
}

/** `mode`: the game-server flags that choose its model (`--strategy <name> --quiet`). */
function startServer(mode) {
  const server = spawn(process.execPath, [gameServer, '--port', '0', ...mode, '--echo'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const tail = [];
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('game-server did not print "Listening on"')), TIMEOUT_MS);
    createInterface({ input: server.stdout }).on('line', (line) => {
      keepTail(tail, line);
      const match = /^Listening on [\d.]+:(\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server.on('exit', (code) => reject(new Error(`game-server exited early with ${code}`)));
  });
  return { server, port, tail };
}

function runClient(port, strategy, clients) {
  return new Promise((resolve) => {
    const client = spawn(process.execPath, [dummyClient, '--port', String(port), '--clients',
      String(clients), '--duration', '2', '--quiet', '--expect-echo', '--echo-timeout', '15', '--strategy', strategy], { stdio: ['ignore', 'pipe', 'inherit'] });
    let summary = '';
    const tail = [];
    createInterface({ input: client.stdout }).on('line', (line) => {
      keepTail(tail, line);
      if (line.startsWith('Summary:')) summary = line;
    });
    const timer = setTimeout(() => client.kill(), TIMEOUT_MS);
    client.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, summary, tail });
    });
  });
}

let passed = 0;
let failed = 0;
const STRATEGIES = ['event', 'callback', 'iocp'];
// Every strategy against every strategy, or each against itself (--lecture iocp is run by test-windows.sh
// against the Linux client).
const RUNS = STRATEGIES.flatMap((server) => STRATEGIES.filter((client) => pairing !== '--same-strategy' || client === server)
  .map((client) => ({ server: ['--strategy', server, '--quiet'], client, clients: 20 })));
for (const { server: serverMode, client: clientStrategy, clients } of RUNS) {
  {
    const what = `apps: game-server ${serverMode.join(' ')} --echo <- dummy-client --clients ${clients} --strategy ${clientStrategy}`;
    const { server, port, tail: serverTail } = startServer(serverMode);
    try {
      const { code, summary, tail: clientTail } = await runClient(await port, clientStrategy, clients);
      const match = /sent=(\d+) echoed=(\d+) lost=(\d+)/.exec(summary);
      const ok = code === 0 && match !== null && Number(match[1]) > 0 && match[1] === match[2] && match[3] === '0';
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: exit ${code}, ${summary || 'no summary'}`);
      if (!ok) {
        for (const line of serverTail) console.log(`     game-server:  ${line}`);
        for (const line of clientTail) console.log(`     dummy-client: ${line}`);
      }
      ok ? passed++ : failed++;
    } catch (error) {
      console.log(`FAIL ${what}: ${error.message}`);
      failed++;
    } finally {
      server.kill();
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
