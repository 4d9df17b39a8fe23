#!/usr/bin/env node
// User-space instructions per echoed message, counted by callgrind: what a shared, noisy 2-core machine cannot
// blur. Each Node server runs under valgrind while this process (not under valgrind) plays a closed-loop
// ping-pong client over 127.0.0.1: the same connections, first SHORT and then LONG round trips each. The
// difference of the two totals over the difference in messages is the steady-state cost of one message, with
// start-up, JIT warm-up and shutdown cancelled out. The kernel's share (the syscalls themselves) is not in it:
// `pnpm bench` measures whole CPU time.
//
// One pair can be thrown off by a garbage collection or a compilation landing in one run and not the other
// (seen: 10.6k and 14.9k for the same server), so each server runs ROUNDS pairs and the median is reported.
//
//   node bench/instructions.mjs [--servers a,b] [--connections N] [--rounds N]   (needs valgrind, the apps built)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVERS, describeChoices, selectByName, serverEnv } from './lib/config.mjs';
import { checkEngines, ensureAppsBuilt } from './lib/prepare.mjs';

const SHORT = 200;
const LONG = 1000;
const MESSAGE_BYTES = 100;
const START_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 600_000;

const { values } = parseArgs({
  options: {
    // A strategy without an engine means it on every engine (io_uring, epoll).
    servers: { type: 'string', default: 'game-server-event,game-server-callback,game-server-iocp,node-net' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: node bench/instructions.mjs [--servers a,b] [--connections N] [--rounds N]

User-space instructions per echoed 100-byte message of each Node server (callgrind), over a ping-pong of
N connections (default 50) x ${SHORT} and x ${LONG} round trips; the median of --rounds such pairs (default 3).
Each game-server strategy runs once per engine (OVERLAPPED_BACKEND); an engine that cannot run here is left out.
Servers: ${describeChoices(SERVERS.filter((s) => s.node))}.`);
  process.exit(0);
}
if (spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('instructions: valgrind not found. Install it: apt-get install -y valgrind');
  process.exit(1);
}
const connections = Number(values.connections);
if (!Number.isInteger(connections) || connections < 1 || connections > 1000) {
  console.error(`instructions: --connections must be an integer in 1..1000, got ${values.connections}`);
  process.exit(1);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 9) {
  console.error(`instructions: --rounds must be an integer in 1..9, got ${values.rounds}`);
  process.exit(1);
}
const selected = selectByName(SERVERS, values.servers, 'server').filter((server) => server.node);
const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const paths = {
  benchDir,
  repoRoot,
  gameServerMain: join(repoRoot, 'apps', 'game-server', 'dist', 'main.js'),
  addonEntry: join(repoRoot, 'packages', 'winsock-native', 'dist', 'index.js'),
};
if (selected.some((server) => server.needsApps)) {
  for (const note of ensureAppsBuilt(paths, (line) => console.error(line))) console.error(`note: ${note}`);
}
const { servers, notes: engineNotes } = checkEngines(selected, paths);
for (const note of engineNotes) console.error(`note: ${note}`);
const work = mkdtempSync(join(tmpdir(), 'overlapped-instructions-'));

/** Runs `server` under callgrind for `roundTrips` per connection; resolves with its user-space instruction total. */
function countInstructions(server, roundTrips) {
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', [
      '--tool=callgrind', '--smc-check=all', `--callgrind-out-file=${join(work, 'callgrind.out')}`,
      process.execPath, ...server.args(paths),
    ], { stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv(server) });
    let stderr = '';
    let stdout = '';
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${server.name}: no result within ${RUN_TIMEOUT_MS / 1000} s`));
    }, RUN_TIMEOUT_MS);
    const startDeadline = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      if (stdout === null) return;
      stdout += chunk;
      const port = stdout.split('\n').map((line) => server.listening.exec(line)?.[1]).find(Boolean);
      if (port === undefined) return;
      stdout = null;
      clearTimeout(startDeadline);
      pingPong(Number(port), roundTrips).then(() => child.kill('SIGINT'), (error) => {
        child.kill('SIGKILL');
        reject(error);
      });
    });
    child.on('exit', () => {
      clearTimeout(deadline);
      clearTimeout(startDeadline);
      const total = /Collected : (\d+)/.exec(stderr)?.[1];
      if (total === undefined) reject(new Error(`${server.name}: valgrind reported no total:\n${stderr.slice(-600)}`));
      else resolve(Number(total));
    });
  });
}

/** `connections` sockets, each sending one message and waiting for its echo, `roundTrips` times; then all close. */
function pingPong(port, roundTrips) {
  const message = Buffer.alloc(MESSAGE_BYTES, 0x61);
  return Promise.all(Array.from({ length: connections }, () => new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let left = roundTrips;
    let echoed = 0;
    socket.on('connect', () => socket.write(message));
    socket.on('data', (data) => {
      echoed += data.length;
      while (echoed >= MESSAGE_BYTES) {
        echoed -= MESSAGE_BYTES;
        if (--left === 0) {
          socket.end();
          return;
        }
        socket.write(message);
      }
    });
    socket.on('close', () => (left === 0 ? resolve() : reject(new Error(`connection closed with ${left} round trips left`))));
    socket.on('error', reject);
  })));
}

const rows = [];
try {
  for (const server of servers) {
    process.stdout.write(`${server.name}: ${rounds} x (${SHORT} and ${LONG} round trips x ${connections} connections) under callgrind ...`);
    const samples = [];
    for (let round = 0; round < rounds; round++) {
      const short = await countInstructions(server, SHORT);
      const long = await countInstructions(server, LONG);
      samples.push((long - short) / ((LONG - SHORT) * connections));
      process.stdout.write(` ${Math.round(samples.at(-1))}`);
    }
    const perMessage = samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    rows.push({ name: server.name, perMessage });
    console.log(`: median ${Math.round(perMessage)} instructions per message`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const reference = rows.find((row) => row.name === 'node:net');
const nameWidth = Math.max(22, ...rows.map((row) => row.name.length + 2));
console.log(`\n${'server'.padEnd(nameWidth)}instructions/msg${reference ? '  x node:net' : ''}`);
for (const row of rows) {
  const ratio = reference ? `  ${(row.perMessage / reference.perMessage).toFixed(2).padStart(9)}x` : '';
  console.log(`${row.name.padEnd(nameWidth)}${String(Math.round(row.perMessage)).padStart(16)}${ratio}`);
}
