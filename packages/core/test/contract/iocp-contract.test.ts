// What only the completion-port strategy has: a Listener that keeps a fixed number of AcceptEx calls posted,
// sockets that DisconnectEx(TF_REUSE_SOCKET) hands back for the next AcceptEx, and a port closed under a running
// service. The shared contract (session-contract.test.ts) runs against this strategy too.
import { CloseHandle, MAKEWORD, WSACleanup, WSAStartup, WinsockError } from '@overlapped/winsock-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientService, IocpStrategy, ServerService, type Session } from '../../src/index.js';
import { LOOPBACK } from '../support/harness.js';
import { makeMessage } from '../support/messages.js';
import { EchoSession, RecordingSession } from '../support/sessions.js';

beforeAll(() => {
  expect(WSAStartup(MAKEWORD(2, 2))).toBe(0);
});
afterAll(() => {
  WSACleanup();
});

function iocpServer(acceptCount: number, onSession?: (session: Session) => void) {
  const strategy = new IocpStrategy();
  const server = new ServerService({ endpoint: LOOPBACK, strategy, sessionFactory: () => new EchoSession(), acceptCount });
  if (onSession) server.on('session', onSession);
  return { server, strategy };
}

function iocpClient(port: number, count: number) {
  return new ClientService({
    endpoint: { host: '127.0.0.1', port }, strategy: new IocpStrategy(), sessionFactory: () => new RecordingSession(), count,
  });
}

async function echoes(session: RecordingSession, tag: number): Promise<void> {
  const message = makeMessage(session.id, tag, 100);
  session.send(message);
  expect((await session.waitForBytes(message.length)).equals(message)).toBe(true);
}

describe('iocp strategy only', () => {
  it('connections beyond the posted AcceptEx calls wait in the backlog and are accepted as each AcceptEx is re-posted', async () => {
    const { server } = iocpServer(2);
    const { port } = await server.start();
    const client = iocpClient(port, 12);
    const sessions = (await client.start()) as RecordingSession[];
    await Promise.all(sessions.map((session, i) => echoes(session, i)));
    expect(server.sessionCount).toBe(12);
    await client.stop();
    await server.stop();
  });

  it('a session the server disconnects leaves its socket to a later AcceptEx (DisconnectEx with TF_REUSE_SOCKET), and the reused socket serves a new session', async () => {
    const serverSessions: Session[] = [];
    const { server } = iocpServer(1, (session) => serverSessions.push(session));
    const { port } = await server.start();
    const first = iocpClient(port, 1);
    const [firstSession] = (await first.start()) as RecordingSession[];
    await echoes(firstSession!, 0);
    const reusedSocket = serverSessions[0]!.socket;
    serverSessions[0]!.disconnect('local: test');
    expect(await firstSession!.closed).toBe('closed by peer');
    await serverSessions[0]!.closed;
    // The AcceptEx posted after the first accept holds a fresh socket; the one after that takes the reused one.
    const second = iocpClient(port, 2);
    const later = (await second.start()) as RecordingSession[];
    await Promise.all(later.map((session, i) => echoes(session, i + 1)));
    expect(serverSessions.map((session) => session.socket).slice(1)).toContain(reusedSocket);
    await Promise.all([first.stop(), second.stop()]);
    await server.stop();
  });

  it('a port closed under a running service: the service reports it, every session ends, stop() resolves', async () => {
    const { server, strategy } = iocpServer(4);
    const errors: Error[] = [];
    server.on('error', (error: Error) => errors.push(error));
    const { port } = await server.start();
    const client = iocpClient(port, 3);
    const sessions = (await client.start()) as RecordingSession[];
    await Promise.all(sessions.map((session, i) => echoes(session, i)));
    const ended = Promise.all(sessions.map((session) => session.closed));
    expect(CloseHandle(strategy.core.handle)).toBe(true);
    for (const reason of await ended) expect(reason).toMatch(/closed by peer|WSAECONNRESET|WSAECONNABORTED/);
    await server.stop();
    expect(server.sessionCount).toBe(0);
    expect(strategy.pendingCount()).toBe(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toBeInstanceOf(WinsockError);
    expect(errors[0]).toMatchObject({ syscall: 'GetQueuedCompletionStatusEx' });
    await client.stop();
  });
});
