// Child Node processes for tests about process lifetime and crashes: a script run with
// `node --input-type=module -e`, killed if it outlives CHILD_LIMIT_MS.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export const CHILD_LIMIT_MS = 20_000;
const DIST = new URL('../../dist/index.js', import.meta.url).href;

/**
 * Child-side preamble: loads the built addon as `ws` and defines `addr(port)`, `sock()` and
 * `pair()` (a connected overlapped loopback pair `{ client, server }`) with plain Winsock calls.
 */
export const PREAMBLE = `
const ws = await import(${JSON.stringify(DIST)});
if (ws.WSAStartup(ws.MAKEWORD(2, 2), new ws.WSADATA()) !== 0) throw new Error('WSAStartup');
const addr = (port) => { const a = new ws.SOCKADDR_IN(); a.sin_port = ws.htons(port); a.sin_addr.s_addr = ws.htonl(ws.INADDR_LOOPBACK); return a; };
const sock = () => ws.WSASocket(ws.AF_INET, ws.SOCK_STREAM, ws.IPPROTO_TCP, null, 0, ws.WSA_FLAG_OVERLAPPED);
const listenOn0 = () => {
  const l = sock();
  if (ws.bind(l, addr(0), 16) !== 0 || ws.listen(l, ws.SOMAXCONN) !== 0) throw new Error('listen ' + ws.WSAGetLastError());
  const name = new ws.SOCKADDR_IN(); ws.getsockname(l, name, new ws.INT(16));
  return { l, port: ws.ntohs(name.sin_port) };
};
const pair = () => {
  const { l, port } = listenOn0();
  const client = sock();
  if (ws.connect(client, addr(port), 16) !== 0) throw new Error('connect ' + ws.WSAGetLastError());
  const server = ws.accept(l, null, null);
  ws.closesocket(l);
  return { client, server };
};
`;

export interface ChildResult {
  code: number | null;
  signal: string | null;
  lines: string[];
  stderr: string;
}

export interface ChildOptions {
  onLine?: (line: string) => void;
  nodeArgs?: string[];
  limitMs?: number;
  /** Added to this process's environment (undefined: removed from it). */
  env?: Record<string, string | undefined>;
  /** A program that runs node (its path and arguments come after): a sandbox such as without-io-uring. */
  launcher?: string;
}

/** Runs the script; `onLine` sees each stdout line as it comes; `limitMs` (default CHILD_LIMIT_MS) is when it is killed. */
export function runChild(script: string, opts: ChildOptions = {}) {
  const args = [...(opts.nodeArgs ?? []), '--input-type=module', '-e', script];
  const [command, commandArgs] = opts.launcher === undefined ? [process.execPath, args] : [opts.launcher, [process.execPath, ...args]];
  const env = { ...process.env, ...opts.env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child: ChildProcess = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    opts.onLine?.(line);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.limitMs ?? CHILD_LIMIT_MS);
  const exited: Promise<ChildResult> = once(child, 'close').then(([code, signal]) => {
    clearTimeout(timer);
    return { code: code as number | null, signal: signal as string | null, lines, stderr };
  });
  return { child, exited };
}
