// Load generator for echo.bench.mjs, run as its own process so it does not share the measured server's
// JS thread. Node `net` clients count the echoes of `size`-byte messages: with interval 0 each keeps `window`
// messages in flight (saturation); otherwise each sends one message every `interval` ms (the game load).
// Prints one JSON line: { messagesPerSecond (measured after a warm-up), messagesTotal (the whole run) }.
import net from 'node:net';

const [port, clients, size, window, seconds, interval] = process.argv.slice(2).map(Number);
const WARMUP_MS = 500;
// One buffer big enough to re-send every echoed message of a chunk in a single write.
const payload = Buffer.alloc(size * window, 0x61);
const sockets = [];
const timers = [];
let echoedBytes = 0;

function runClient() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.setNoDelay(true);
      if (interval > 0) timers.push(setInterval(() => socket.write(payload.subarray(0, size)), interval));
      else socket.write(payload);
      resolve();
    });
    let partial = 0;
    socket.on('data', (chunk) => {
      echoedBytes += chunk.length;
      if (interval > 0) return;
      partial += chunk.length;
      const whole = Math.floor(partial / size);
      partial -= whole * size;
      if (whole > 0) socket.write(payload.subarray(0, whole * size));
    });
    socket.on('error', reject);
    sockets.push(socket);
  });
}

await Promise.all(Array.from({ length: clients }, runClient));
await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
const startBytes = echoedBytes;
const start = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const elapsed = (performance.now() - start) / 1000;
const messages = (echoedBytes - startBytes) / size;
for (const timer of timers) clearInterval(timer);
for (const socket of sockets) socket.destroy();
console.log(JSON.stringify({ messagesPerSecond: messages / elapsed, messagesTotal: echoedBytes / size }));
