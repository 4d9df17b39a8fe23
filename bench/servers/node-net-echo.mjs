// The node:net baseline: the least a Node echo server can do (setNoDelay, write back what arrived).
// Prints "LISTENING <port>" once it accepts connections; SIGINT / SIGTERM close everything and exit 0.
//   node servers/node-net-echo.mjs [port]      (default 0: a free port)
import net from 'node:net';

const port = Number(process.argv[2] ?? 0);
const sockets = new Set();

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  sockets.add(socket);
  socket.on('data', (data) => socket.write(data));
  socket.on('error', () => {}); // the load generator resets its connections when it is done
  socket.on('close', () => sockets.delete(socket));
});

// The same accept backlog as the C server's SOMAXCONN, so 10k connects meet the same queue.
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
  console.log(`LISTENING ${server.address().port}`);
});

function stop() {
  server.close();
  for (const socket of sockets) socket.destroy();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
