// Echo throughput of each completion strategy against Node's own `net` module, measured in the same run
// with the same load (a separate load-generator process, see load.mjs). Needs `pnpm build` first.
// Loopback benches share the machine with everything else running, so the servers take turns over several
// rounds and each one's median is reported.
//   node bench/echo.bench.mjs [--clients 500] [--size 100] [--window 8] [--seconds 3] [--rounds 3]
//   node bench/echo.bench.mjs --interval 10     (the game load: each client sends one message every 10 ms)
import { execFile } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ServerService, Session, createStrategy } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '500' },
    size: { type: 'string', default: '100' },
    window: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    interval: { type: 'string', default: '0' },
  },
});
const loadScript = fileURLToPath(new URL('./load.mjs', import.meta.url));

class EchoSession extends Session {
  onRecv(buffer) {
    this.send(Buffer.from(buffer));
    return buffer.length;
  }
}

/** Each server: start() -> port, stop(). */
const servers = {
  'node net': () => {
    const sockets = new Set();
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('data', (data) => socket.write(data));
      socket.on('error', () => {}); // the load generator destroys its sockets at the end
      socket.on('close', () => sockets.delete(socket));
    });
    return {
      start: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port))),
      stop: () => new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
    };
  },
  ...Object.fromEntries(['event', 'callback'].map((name) => [`core ${name}`, () => {
    const service = new ServerService({
      endpoint: { host: '127.0.0.1', port: 0 }, strategy: createStrategy(name), sessionFactory: () => new EchoSession(),
    });
    return { start: async () => (await service.start()).port, stop: () => service.stop() };
  }])),
};

function runLoad(port) {
  const { clients, size, window, seconds, interval } = values;
  const args = [loadScript, port, clients, size, window, seconds, interval].map(String);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))));
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const load = Number(values.interval) > 0 ? `one every ${values.interval} ms each` : `${values.window} in flight each`;
console.log(`echo: ${values.clients} clients x ${values.size} B, ${load}, ${values.seconds} s, median of ${values.rounds} rounds`);
const rates = new Map(Object.keys(servers).map((name) => [name, []]));
// Server CPU (all threads of this process) per echoed message over the whole run: under a paced load the
// rate is the load generator's, so this is what tells the servers apart.
const cpuPerMessage = new Map(Object.keys(servers).map((name) => [name, []]));
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [name, makeServer] of Object.entries(servers)) {
    const server = makeServer();
    const port = await server.start();
    const cpuBefore = process.cpuUsage();
    const { messagesPerSecond, messagesTotal } = await runLoad(port);
    const cpu = process.cpuUsage(cpuBefore);
    await server.stop();
    rates.get(name).push(messagesPerSecond);
    cpuPerMessage.get(name).push((cpu.user + cpu.system) / messagesTotal);
  }
}
const baseline = median(rates.get('node net'));
const baselineCpu = median(cpuPerMessage.get('node net'));
for (const [name, samples] of rates) {
  const rate = median(samples);
  const cpu = median(cpuPerMessage.get(name));
  const shown = Math.round(rate).toLocaleString('en-US').padStart(12);
  console.log(
    `${name.padEnd(14)} ${shown} messages/s  ${(rate / baseline).toFixed(2)}x node net   ` +
      `${cpu.toFixed(2).padStart(6)} us CPU/message  ${(cpu / baselineCpu).toFixed(2)}x node net`,
  );
}
