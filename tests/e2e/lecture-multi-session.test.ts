import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startClient, startServer, summaryOf } from '../helpers/apps.js';
import { freeFixedPort } from '../helpers/free-port.js';
import { cleanUp, type Program } from '../helpers/program.js';
import { destroyPeers, openPeer } from '../helpers/raw-peer.js';

beforeAll(assertBuilt);
afterEach(async (context) => {
  destroyPeers();
  await cleanUp(context);
});

/** The two lecture servers that serve many clients at once, and the line each prints per completed receive. */
const MODES = [
  { lecture: 'iocp', recvLine: /^Recv Data IOCP = (\d+)$/ },
  { lecture: 'proactor', recvLine: /^Data Recv Len = (\d+)$/ },
] as const;

const totalBytes = (program: Program, pattern: RegExp): number =>
  program.lines.reduce((sum, line) => sum + Number(line.match(pattern)?.[1] ?? 0), 0);

const CLOSED = /^Client Disconnected: closed by peer$/;
const RESET = /^Client Disconnected: WSARecv failed: Connection reset by peer \(WSAECONNRESET\)$/;

describe.each(MODES)('game-server --lecture $lecture', ({ lecture, recvLine }) => {
  it('serves several lecture clients at once and receives every byte each one sent', async () => {
    const server = await startServer(['--lecture', lecture]);
    await server.program.waitForLine(/^Accept$/);

    const clients = [1, 2, 3, 4].map(() => startClient(server.port, ['--count', '40']));
    await Promise.all(clients.map((client) => client.expectExit(0)));
    await server.program.waitForLines(CLOSED, 4);

    expect(server.program.count(/^Client Connected$/)).toBe(4);
    const sent = clients.reduce((sum, client) => sum + summaryOf(client).sent!, 0);
    expect(sent).toBe(160);
    // Every disconnect comes after that client's last bytes (TCP delivers the close in order), so by now
    // every byte has been printed.
    expect(totalBytes(server.program, recvLine)).toBe(100 * sent);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });

  it('--echo: ClientService clients get every message back', async () => {
    const server = await startServer(['--lecture', lecture, '--echo']);
    const client = startClient(server.port, ['--clients', '20', '--duration', '1', '--quiet', '--expect-echo']);

    await client.expectExit(0, 30_000);
    const summary = summaryOf(client);
    expect(summary.sent).toBeGreaterThan(20);
    expect(summary).toMatchObject({ echoed: summary.sent, lost: 0 });
    await server.program.waitForLines(CLOSED, 20);
    expect(totalBytes(server.program, recvLine)).toBe(summary.bytes);

    server.program.kill('SIGTERM');
    await server.program.expectExit(0);
  });

  it('closes a client that resets mid-stream or is killed, and keeps serving the others', async () => {
    const server = await startServer(['--lecture', lecture]);
    const steady = startClient(server.port, []);
    await server.program.waitForLine(recvLine);

    const resetting = await openPeer(server.port);
    await server.program.waitForLines(/^Client Connected$/, 2);
    let from = server.program.lines.length;
    resetting.write(Buffer.from('12345'));
    await server.program.waitForLine(new RegExp(recvLine.source.replace('(\\d+)', '5')), { from });
    resetting.reset();
    await server.program.waitForLine(RESET, { from });

    const doomed = startClient(server.port, []);
    await server.program.waitForLines(/^Client Connected$/, 3);
    from = server.program.lines.length;
    await server.program.waitForLine(recvLine, { from });
    doomed.kill('SIGKILL');
    const gone = await server.program.waitForLine(/^Client Disconnected: (.*)$/, { from });
    expect(gone[1]).toMatch(/^closed by peer$|WSAECONNRESET/);

    // The first client is still served: its receives go on after both others have gone.
    await server.program.waitForLine(recvLine, { from: server.program.lines.length });

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
    steady.kill('SIGKILL');
  });

  it('a lecture client started before the server connects once it is up', async () => {
    const port = await freeFixedPort();
    const client = startClient(port, ['--count', '20']);
    await client.waitForLine(/^Connecting to 127\.0\.0\.1:\d+$/);

    const server = await startServer(['--lecture', lecture, '--port', String(port)]);
    await client.waitForLine(/^Connected To Server$/);
    await client.expectExit(0);
    await server.program.waitForLine(CLOSED);
    expect(totalBytes(server.program, recvLine)).toBe(100 * 20);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });

  it('Ctrl-C with clients connected stops every thread and exits 0', async () => {
    const server = await startServer(['--lecture', lecture]);
    const clients = [startClient(server.port, []), startClient(server.port, [])];
    await server.program.waitForLines(/^Client Connected$/, 2);
    await server.program.waitForLines(recvLine, 10);

    server.program.kill('SIGINT');
    await server.program.expectExit(0, 5_000);
    // The server closed their connections: each lecture client's next send fails and it exits.
    await Promise.all(clients.map((client) => client.waitForLine(/^Disconnected From Server: WSASend failed: /)));
  });
});

describe('game-server --lecture iocp --threads', () => {
  it.each([1, 8])('runs with %i worker thread(s)', async (threads) => {
    const server = await startServer(['--lecture', 'iocp', '--threads', String(threads), '--echo']);
    const client = startClient(server.port, ['--clients', '5', '--count', '20', '--expect-echo']);
    await client.expectExit(0);
    expect(summaryOf(client)).toMatchObject({ sent: 100, echoed: 100, lost: 0 });
    await server.program.waitForLines(CLOSED, 5);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });
});

describe('game-server --lecture proactor with more than 63 sessions', () => {
  it('starts a Proactor per 63 sessions, says why once, and loses nothing', async () => {
    const server = await startServer(['--lecture', 'proactor', '--echo']);
    const client = startClient(server.port, [
      '--clients', '130', '--duration', '2', '--quiet', '--expect-echo', '--echo-timeout', '10',
    ]);

    await client.expectExit(0, 40_000);
    const summary = summaryOf(client);
    expect(summary.sent).toBeGreaterThan(130);
    expect(summary).toMatchObject({ echoed: summary.sent, lost: 0 });
    await server.program.waitForLines(CLOSED, 130, 20_000);
    expect(server.program.count(/^Client Connected$/)).toBe(130);
    expect(totalBytes(server.program, /^Data Recv Len = (\d+)$/)).toBe(summary.bytes);

    // 130 sessions: Proactors 1 (sessions 1..63), 2 (64..126) and 3; the reason is printed once.
    expect(server.program.count(/^Proactor 2 started: WSAWaitForMultipleEvents waits on at most 64 events/)).toBe(1);
    expect(server.program.lines).toContain('Proactor 3 started');
    expect(server.program.count(/^Proactor \d+ started/)).toBe(2);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });
});
