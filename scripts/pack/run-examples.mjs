#!/usr/bin/env node
// Runs the README's event-model and callback-model programs (compiled to event-model.js and callback-model.js in
// a project, scripts/check-pack.sh) with this node, one after the other, each as a child process: once it prints
// `Listening on 127.0.0.1:PORT`, a node:net client sends MESSAGES messages of SIZE bytes and closes. Each must
// print receive lengths adding up to every byte sent and exit 0 by itself once the client has gone. Prints
// `N passed, N failed`. Windows node runs it under Wine as well.
//
//   node run-examples.mjs <project dir>
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const project = process.argv[2];
const TIMEOUT_MS = 30000;
const MESSAGES = 5;
const SIZE = 100;
const EXAMPLES = [
  { file: 'event-model.js', received: /^Data Recv Len = (\d+)$/ },
  { file: 'callback-model.js', received: /^Data Recv Len Callback = (\d+)$/ },
];

/** Sends MESSAGES messages to the port, each once the previous one is written, then closes. */
function sendAll(port) {
  const client = connect(port, '127.0.0.1');
  client.on('error', (error) => console.log(`client: ${error.message}`));
  let sent = 0;
  const next = () => {
    if (sent === MESSAGES) return void client.end();
    sent++;
    client.write(Buffer.alloc(SIZE, 'Hello World'), next);
  };
  client.on('connect', next);
}

function run({ file, received }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
    let bytes = 0;
    let lines = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const listening = /^Listening on 127\.0\.0\.1:(\d+)$/.exec(line);
      if (listening) sendAll(Number(listening[1]));
      const match = received.exec(line);
      if (match) {
        bytes += Number(match[1]);
        lines++;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, bytes, lines });
    });
  });
}

let passed = 0;
let failed = 0;
for (const example of EXAMPLES) {
  const { code, signal, bytes, lines } = await run(example);
  const ok = code === 0 && bytes === MESSAGES * SIZE && lines > 0;
  const exit = signal ? `killed by ${signal} after ${TIMEOUT_MS / 1000} s` : `exit ${code}`;
  console.log(`${ok ? 'ok  ' : 'FAIL'} README ${example.file.replace('.js', '')}: ${exit}, ${bytes} of ${MESSAGES * SIZE} bytes received in ${lines} receives`);
  ok ? passed++ : failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
