// The start every plain-Node check script here shares: its --options, the built addon it tests (--module,
// default ../../dist/index.js) loaded as `ws`, the wait bound, and `check`, which throws with the last error.
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);

/** The value after `name` on the command line, or `fallback`. */
export function option(/** @type {string} */ name, /** @type {string} */ fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

export const modulePath = option('--module', fileURLToPath(new URL('../../dist/index.js', import.meta.url)));
export const moduleUrl = pathToFileURL(modulePath).href;
export const ws = await import(moduleUrl);
export const WAIT_MS = 10000;

export function check(/** @type {unknown} */ condition, /** @type {string} */ what) {
  if (!condition) throw new Error(`${what} (last error ${ws.WSAGetLastError()})`);
}

/** A connected loopback pair of overlapped sockets (the listener is closed again), and the port it used. */
export function loopbackPair() {
  const listener = ws.WSASocket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP, null, 0, ws.WSA_FLAG_OVERLAPPED);
  const addr = new ws.SOCKADDR_IN();
  addr.sin_addr.s_addr = ws.htonl(ws.INADDR_LOOPBACK);
  check(ws.bind(listener, addr, 16) === 0 && ws.listen(listener, ws.SOMAXCONN) === 0, 'bind + listen');
  check(ws.getsockname(listener, addr, new ws.INT(16)) === 0, 'getsockname');
  const client = ws.WSASocket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP, null, 0, ws.WSA_FLAG_OVERLAPPED);
  check(ws.connect(client, addr, 16) === 0, 'connect');
  const server = ws.accept(listener, null, null);
  check(server !== ws.INVALID_SOCKET, 'accept');
  ws.closesocket(listener);
  return { client, server, port: ws.ntohs(addr.sin_port) };
}
