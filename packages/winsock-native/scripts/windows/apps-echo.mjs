#!/usr/bin/env node
// The lecture's programs end to end on this backend: apps/game-server (--echo, each completion strategy) with
// apps/dummy-client (20 sessions on @overlapped/core, each strategy), as separate processes over loopback.
// scripts/test-windows.sh stages the built apps next to a node_modules that resolves @overlapped/* to the
// Windows build and runs this with Windows node under Wine. Prints `N passed, N failed`.
//
//   node apps-echo.mjs <dir holding game-server/ and dummy-client/ (each app's dist/)>
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const dir = process.argv[2];
const TIMEOUT_MS = 45000;

/** `mode`: the game-server flags that choose its model (`--strategy <name> --quiet`, or `--lecture iocp`). */
function startServer(mode) {
  const server = spawn(process.execPath, [join(dir, 'game-server', 'main.js'), '--port', '0', ...mode, '--echo'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('game-server did not print "Listening on"')), TIMEOUT_MS);
    createInterface({ input: server.stdout }).on('line', (line) => {
      const match = /^Listening on [\d.]+:(\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    server.on('exit', (code) => reject(new Error(`game-server exited early with ${code}`)));
  });
  return { server, port };
}

function runClient(port, strategy, clients) {
  return new Promise((resolve) => {
    const client = spawn(process.execPath, [join(dir, 'dummy-client', 'main.js'), '--port', String(port), '--clients',
      String(clients), '--duration', '2', '--quiet', '--expect-echo', '--echo-timeout', '15', '--strategy', strategy], { stdio: ['ignore', 'pipe', 'inherit'] });
    let summary = '';
    createInterface({ input: client.stdout }).on('line', (line) => {
      if (line.startsWith('Summary:')) summary = line;
    });
    const timer = setTimeout(() => client.kill(), TIMEOUT_MS);
    client.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, summary });
    });
  });
}

let passed = 0;
let failed = 0;
const STRATEGIES = ['event', 'callback', 'iocp'];
// Every strategy against every strategy, and the lecture's IOCP server (worker threads blocked in the real
// GetQueuedCompletionStatus) against the IOCP client, with 5 clients: it writes a line per message.
// `known`: a run whose failure is recorded as open work (printed as KNOWN with the reason, not counted); one that
// passes is reported as such, so the note gets removed.
const LECTURE_IOCP_STALL =
  'under Wine 8 the lecture IOCP server with --echo stops echoing part of the messages (measured: 175 of 480 ' +
  'never came back within 15 s; on Linux 1000 of 1000). Open in issue 11: not yet known whether it is Wine or the ' +
  'Windows backend.';
const RUNS = [
  ...STRATEGIES.flatMap((server) => STRATEGIES.map((client) => ({ server: ['--strategy', server, '--quiet'], client, clients: 20 }))),
  { server: ['--lecture', 'iocp'], client: 'iocp', clients: 5, known: LECTURE_IOCP_STALL },
];
for (const { server: serverMode, client: clientStrategy, clients, known } of RUNS) {
  {
    const what = `apps: game-server ${serverMode.join(' ')} --echo <- dummy-client --clients ${clients} --strategy ${clientStrategy}`;
    const { server, port } = startServer(serverMode);
    try {
      const { code, summary } = await runClient(await port, clientStrategy, clients);
      const match = /sent=(\d+) echoed=(\d+) lost=(\d+)/.exec(summary);
      const ok = code === 0 && match !== null && Number(match[1]) > 0 && match[1] === match[2] && match[3] === '0';
      const outcome = `${what}: exit ${code}, ${summary || 'no summary'}`;
      if (!ok && known) {
        console.log(`KNOWN ${outcome}\n      ${known}`);
      } else {
        console.log(`${ok ? 'ok  ' : 'FAIL'} ${outcome}${ok && known ? ' (was KNOWN: remove the note)' : ''}`);
        ok ? passed++ : failed++;
      }
    } catch (error) {
      console.log(`${known ? 'KNOWN' : 'FAIL'} ${what}: ${error.message}`);
      if (!known) failed++;
    } finally {
      server.kill();
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
