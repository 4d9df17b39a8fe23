// Which engine runs (backend/linux/engine_choice.cc): io_uring where the kernel allows it, epoll otherwise,
// OVERLAPPED_BACKEND to force one, and a clear error at load when what is forced cannot run. Each child
// process also moves real bytes through a receive that pends, so the engine it reports is one that works.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREAMBLE, runChild, type ChildOptions } from './helpers/child.js';

const onLinux = process.platform === 'linux';
if (!onLinux) console.log(`engine.test.ts: skipped on ${process.platform}: the engine choice is Linux's (Windows runs Winsock itself)`);

// Prints the engine, the io_uring instances the process holds, and the bytes a pending WSARecv received.
const REPORT = `${PREAMBLE}
const { readdirSync, readlinkSync } = await import('node:fs');
const engine = ws.getEngine();
const { client, server } = pair();
const buffer = Buffer.alloc(64);
const ov = new ws.WSAOVERLAPPED();
ov.hEvent = ws.WSACreateEvent();
const posted = ws.WSARecv(server, [new ws.WSABUF(buffer)], 1, new ws.DWORD(), new ws.DWORD(), ov, null);
const pending = posted !== 0 && ws.WSAGetLastError() === ws.WSA_IO_PENDING;
const hello = Buffer.from('hello');
ws.send(client, hello, hello.length, 0);
const waited = await ws.WSAWaitForMultipleEventsAsync(1, [ov.hEvent], true, 5000, false);
const rings = readdirSync('/proc/self/fd').filter((fd) => {
  try { return readlinkSync('/proc/self/fd/' + fd) === 'anon_inode:[io_uring]'; } catch { return false; }
}).length;
console.log(JSON.stringify({ engine, rings, pending, waited, received: buffer.subarray(0, ov.InternalHigh).toString() }));
ws.closesocket(client); ws.closesocket(server); ws.WSACleanup();
`;

async function report(opts: ChildOptions) {
  const { exited } = runChild(REPORT, opts);
  const result = await exited;
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.lines.at(-1)!) as {
    engine: { name: string; reason: string };
    rings: number;
    pending: boolean;
    waited: number;
    received: string;
  };
}

function expectEcho(child: Awaited<ReturnType<typeof report>>) {
  expect(child.pending, 'the receive pended (nothing had been sent yet)').toBe(true);
  expect(child.waited).toBe(0);  // WSA_WAIT_EVENT_0
  expect(child.received).toBe('hello');
}

async function loadFailure(opts: ChildOptions): Promise<string> {
  const { exited } = runChild(`${PREAMBLE}\nconsole.log('loaded on', ws.getEngine().name);`, opts);
  const result = await exited;
  expect(result.lines, 'the addon must not load').toEqual([]);
  expect(result.code).not.toBe(0);
  return result.stderr;
}

describe.skipIf(!onLinux)('the engine choice', () => {
  let directory: string;
  let withoutIoUring: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'winsock-native-engine-'));
    withoutIoUring = join(directory, 'without-io-uring');
    execFileSync('cc', ['-O2', '-o', withoutIoUring, new URL('./fixtures/without-io-uring.c', import.meta.url).pathname]);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('unset: io_uring where the kernel accepts it (one ring in the process), epoll with the reason where it does not', async () => {
    const child = await report({ env: { OVERLAPPED_BACKEND: undefined } });
    if (child.engine.name === 'io_uring') {
      expect(child.engine.reason).toMatch(/^Linux \S+ accepts io_uring$/);
      expect(child.rings).toBe(1);
    } else {
      expect(child.engine).toMatchObject({ name: 'epoll', reason: expect.stringMatching(/^io_uring refused, so epoll: /) });
      expect(child.rings).toBe(0);
    }
    expectEcho(child);
  });

  it('OVERLAPPED_BACKEND=epoll: the epoll engine, no ring', async () => {
    const child = await report({ env: { OVERLAPPED_BACKEND: 'epoll' } });
    expect(child.engine).toEqual({ name: 'epoll', reason: 'forced by OVERLAPPED_BACKEND=epoll' });
    expect(child.rings).toBe(0);
    expectEcho(child);
  });

  it('io_uring refused by a seccomp filter: the addon loads on epoll and says why', async () => {
    const child = await report({ env: { OVERLAPPED_BACKEND: undefined }, launcher: withoutIoUring });
    expect(child.engine.name).toBe('epoll');
    expect(child.engine.reason).toMatch(/^io_uring refused, so epoll: io_uring_setup failed on Linux \S+: Operation not permitted \(refused by a seccomp filter/);
    expect(child.rings).toBe(0);
    expectEcho(child);
  });

  it('OVERLAPPED_BACKEND=io_uring where io_uring is refused: an error at load that says so and what to do', async () => {
    const stderr = await loadFailure({ env: { OVERLAPPED_BACKEND: 'io_uring' }, launcher: withoutIoUring });
    expect(stderr).toContain('@overlapped/winsock-native: OVERLAPPED_BACKEND=io_uring, but io_uring cannot run here: io_uring_setup failed');
    expect(stderr).toContain('set OVERLAPPED_BACKEND=epoll');
    expect(stderr).not.toContain('rebuild');
  });

  it('OVERLAPPED_BACKEND with another value: an error at load that names the engines', async () => {
    const stderr = await loadFailure({ env: { OVERLAPPED_BACKEND: 'kqueue' } });
    expect(stderr).toContain('@overlapped/winsock-native: OVERLAPPED_BACKEND=kqueue is not an engine: use epoll or io_uring');
  });
});
