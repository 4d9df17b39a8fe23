import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  WSACleanup, WSAECONNREFUSED, WSAStartup, MAKEWORD, WinsockError, closesocket,
} from '@overlapped/winsock-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientService, ServerService, Session, createStrategy, type StrategyName } from '../../src/index.js';
import { deferred } from '../support/deferred.js';
import { LOOPBACK, ServicePair } from '../support/harness.js';
import { MESSAGE_HEADER, makeMessage, parseMessages } from '../support/messages.js';
import { connectRawPeer, resetRawPeer } from '../support/raw-peer.js';
import { EchoSession, MisbehavingSession, RecordingSession } from '../support/sessions.js';

const STRATEGIES: StrategyName[] = ['event', 'callback', 'iocp'];

// The raw peers below use plain Winsock calls, which need Winsock started like any Winsock program.
beforeAll(() => {
  expect(WSAStartup(MAKEWORD(2, 2))).toBe(0);
});
afterAll(() => {
  WSACleanup();
});

/** A port nobody listens on: bound by a server that has stopped again. */
async function closedPort(strategy: StrategyName): Promise<number> {
  const server = new ServerService({ endpoint: LOOPBACK, strategy: createStrategy(strategy), sessionFactory: () => new Session() });
  const { port } = await server.start();
  await server.stop();
  return port;
}

describe.each(STRATEGIES)('%s strategy', (strategy) => {
  describe('echo', () => {
    it.each([
      { sessions: 1, messages: 200 },
      { sessions: 64, messages: 50 },
      { sessions: 65, messages: 50 },
      { sessions: 500, messages: 20 },
    ])('echoes every byte in order for $sessions concurrent sessions', async ({ sessions, messages }) => {
      const pair = await ServicePair.start(strategy, {
        count: sessions, serverSession: () => new EchoSession(), clientSession: () => new RecordingSession(),
      });
      const expected = pair.clientSessions.map((session) => {
        const sent = Array.from({ length: messages }, (_, index) => makeMessage(session.id, index, 100));
        for (const message of sent) session.send(message);
        return Buffer.concat(sent);
      });
      const echoed = await Promise.all(pair.clientSessions.map((session, i) => session.waitForBytes(expected[i]!.length)));
      echoed.forEach((data, i) => expect(data.equals(expected[i]!)).toBe(true));
      expect(pair.server.sessionCount).toBe(sessions);
      await pair.stop();
    });

    it('keeps each session\'s messages in order when sends of varied sizes interleave across sessions', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 8, serverSession: () => new EchoSession(), clientSession: () => new RecordingSession(),
      });
      const rounds = 100;
      const expectedBytes = new Map(pair.clientSessions.map((session) => [session, 0]));
      for (let index = 0; index < rounds; index++) {
        for (const session of pair.clientSessions) {
          const length = MESSAGE_HEADER + ((index * 37 + session.id * 11) % 1400);
          session.send(makeMessage(session.id, index, length));
          expectedBytes.set(session, expectedBytes.get(session)! + length);
        }
        // Spread the sends over turns of the event loop so completions interleave with new sends.
        if (index % 10 === 9) await new Promise(setImmediate);
      }
      for (const session of pair.clientSessions) {
        const stream = await session.waitForBytes(expectedBytes.get(session)!);
        expect(parseMessages(stream, session.id)).toEqual(Array.from({ length: rounds }, (_, i) => i));
      }
      await pair.stop();
    });

    it('sends 1 MiB as one buffer and as 256 gathered pieces, intact', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 1, serverSession: () => new EchoSession(), clientSession: () => new RecordingSession(),
      });
      const [session] = pair.clientSessions;
      const whole = makeMessage(1, 1, 60_000);
      const big = Buffer.concat(Array.from({ length: 18 }, () => whole)).subarray(0, 1 << 20);
      const pieces = Array.from({ length: 256 }, (_, i) => makeMessage(2, i, 4096));
      session!.send(big);
      for (const piece of pieces) session!.send(piece);
      const echoed = await session!.waitForBytes(2 << 20);
      expect(echoed.length).toBe(2 << 20);
      expect(echoed.equals(Buffer.concat([big, ...pieces]))).toBe(true);
      await pair.stop();
    });
  });

  describe('ends of a connection', () => {
    it('reports a graceful close as "closed by peer", once, and releases the session', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 1, serverSession: () => new RecordingSession(), clientSession: () => new RecordingSession(),
      });
      await pair.serverSessionsOpened(1);
      const [server] = pair.serverSessions;
      const [client] = pair.clientSessions;
      client!.disconnect('local: test done');
      expect(await client!.closed).toBe('local: test done');
      expect(await server!.closed).toBe('closed by peer');
      expect(server!.disconnectReasons).toEqual(['closed by peer']);
      expect(client!.disconnectReasons).toEqual(['local: test done']);
      expect(pair.server.sessionCount).toBe(0);
      expect(pair.client.sessionCount).toBe(0);
      await pair.stop();
    });

    it('reports a reset peer (SO_LINGER {1,0}) with WSAECONNRESET', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 0, serverSession: () => new RecordingSession(), clientSession: () => new Session(),
      });
      const peer = connectRawPeer(pair.endpoint);
      await pair.serverSessionsOpened(1);
      resetRawPeer(peer);
      const [server] = pair.serverSessions;
      expect(await server!.closed).toMatch(/WSAECONNRESET/);
      expect(server!.disconnectReasons).toHaveLength(1);
      expect(server!.hooksAfterDisconnect).toBe(0);
      await pair.stop();
    });

    it('disconnects locally while a receive is pending: one onDisconnected, no hook after it, then released', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 1, serverSession: () => new RecordingSession(), clientSession: () => new RecordingSession(),
      });
      await pair.serverSessionsOpened(1);
      const [server] = pair.serverSessions;
      expect(pair.serverStrategy.pendingCount()).toBe(1);
      server!.disconnect('local: kicked');
      server!.disconnect('local: kicked twice');
      pair.clientSessions[0]!.send(Buffer.from('too late'));
      expect(await server!.closed).toBe('local: kicked');
      expect(server!.disconnectReasons).toEqual(['local: kicked']);
      expect(server!.hooksAfterDisconnect).toBe(0);
      expect(pair.serverStrategy.pendingCount()).toBe(0);
      expect(await pair.clientSessions[0]!.closed).toMatch(/closed by peer|WSAECONNRESET/);
      await pair.stop();
    });

    it('disconnects locally while a send is pending to a peer that never reads', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 0, serverSession: () => new RecordingSession(), clientSession: () => new Session(),
      });
      const peer = connectRawPeer(pair.endpoint);
      await pair.serverSessionsOpened(1);
      const [server] = pair.serverSessions;
      server!.send(Buffer.alloc(32 << 20, 7));
      expect(pair.serverStrategy.pendingCount()).toBe(2);
      server!.disconnect('local: kicked');
      expect(await server!.closed).toBe('local: kicked');
      expect(server!.hooksAfterDisconnect).toBe(0);
      expect(pair.serverStrategy.pendingCount()).toBe(0);
      closesocket(peer);
      await pair.stop();
    });
  });

  describe('misbehaving sessions', () => {
    it.each([
      { what: 'more than it was given', answer: (buffer: Buffer) => buffer.length + 1 },
      { what: 'a negative count', answer: () => -1 },
    ])('disconnects a session whose onRecv returns $what', async ({ answer }) => {
      const pair = await ServicePair.start(strategy, {
        count: 1, serverSession: () => new MisbehavingSession(answer), clientSession: () => new RecordingSession(),
      });
      await pair.serverSessionsOpened(1);
      pair.clientSessions[0]!.send(Buffer.from('0123456789'));
      expect(await pair.serverSessions[0]!.closed).toMatch(/^local: onRecv returned -?\d+, expected an integer in 0\.\.10$/);
      await pair.stop();
    });

    it('disconnects with "receive buffer overflow" when a full buffer is never consumed', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 1, recvBufferSize: 1024,
        serverSession: () => new MisbehavingSession(() => 0), clientSession: () => new RecordingSession(),
      });
      await pair.serverSessionsOpened(1);
      pair.clientSessions[0]!.send(Buffer.alloc(4096, 1));
      expect(await pair.serverSessions[0]!.closed).toBe('receive buffer overflow');
      await pair.stop();
    });

    it('grows the receive buffer for a message larger than it: the message arrives whole', async () => {
      const message = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
      const whole = deferred<Buffer>();
      const pair = await ServicePair.start(strategy, {
        count: 1,
        // Consumes nothing until the whole message is there, as a framing layer does.
        serverSession: () => new MisbehavingSession((buffer) => {
          if (buffer.length < message.length) return 0;
          whole.resolve(Buffer.from(buffer.subarray(0, message.length)));
          return message.length;
        }),
        clientSession: () => new RecordingSession(),
      });
      await pair.serverSessionsOpened(1);
      pair.clientSessions[0]!.send(message);
      expect((await whole.promise).equals(message)).toBe(true);
      expect(pair.serverSessions[0]!.connected).toBe(true);
      await pair.stop();
    });

    it('turns a hook that throws into a disconnect and an "error" on the service', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 1,
        serverSession: () => new MisbehavingSession(() => { throw new Error('boom'); }),
        clientSession: () => new RecordingSession(),
      });
      const reported = deferred<Error>();
      pair.server.on('error', reported.resolve);
      await pair.serverSessionsOpened(1);
      pair.clientSessions[0]!.send(Buffer.from('x'));
      expect(await pair.serverSessions[0]!.closed).toBe('local: onRecv threw: boom');
      expect((await reported.promise).message).toBe('boom');
      await pair.stop();
    });
  });

  describe('services', () => {
    it('closes a connection above maxSessions at once and counts it', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 3, maxSessions: 2,
        serverSession: () => new RecordingSession(), clientSession: () => new RecordingSession(),
      });
      const firstClosed = await Promise.race(pair.clientSessions.map((session) => session.closed));
      expect(firstClosed).toBe('closed by peer');
      expect(pair.server.rejectedCount).toBe(1);
      expect(pair.server.sessionCount).toBe(2);
      expect(pair.client.sessionCount).toBe(2);
      await pair.stop();
    });

    it('broadcasts one buffer to every session', async () => {
      const pair = await ServicePair.start(strategy, {
        count: 5, serverSession: () => new RecordingSession(), clientSession: () => new RecordingSession(),
      });
      await pair.serverSessionsOpened(5);
      const news = Buffer.from('to everyone');
      pair.server.broadcast(news);
      for (const session of pair.clientSessions) expect((await session.waitForBytes(news.length)).equals(news)).toBe(true);
      await pair.stop();
    });

    it('stops with sessions alive and busy: every session released, every operation drained', async () => {
      class PingPong extends RecordingSession {
        protected override onConnected(): void {
          super.onConnected();
          this.send(Buffer.alloc(100, 1));
        }
        protected override consume(buffer: Buffer): number {
          this.send(Buffer.from(buffer));
          return buffer.length;
        }
      }
      const pair = await ServicePair.start(strategy, {
        count: 20, serverSession: () => new EchoSession(), clientSession: () => new PingPong(),
      });
      await Promise.all(pair.clientSessions.map((session) => session.waitForBytes(1000)));
      await pair.server.stop();
      expect(pair.server.sessionCount).toBe(0);
      expect(pair.serverStrategy.pendingCount()).toBe(0);
      for (const reason of await Promise.all(pair.clientSessions.map((session) => session.closed))) {
        expect(reason).toMatch(/closed by peer|WSAECONNRESET|WSAECONNABORTED/);
      }
      await pair.stop();
    });

    // The child runs the built package (dist/): `pnpm test` builds it first (turbo's test dependsOn build).
    it('leaves nothing that keeps the process alive after stop()', async () => {
      const fixture = fileURLToPath(new URL('../fixtures/stop-with-live-sessions.mjs', import.meta.url));
      const child = spawn(process.execPath, [fixture, strategy], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const deadline = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(deadline);
      expect(output).toContain('stopped: 0 sessions, 0 pending');
      expect(code, `the process did not exit by itself:\n${output}`).toBe(0);
    });

    it('rejects with WSAECONNREFUSED when nobody listens', async () => {
      const port = await closedPort(strategy);
      const client = new ClientService({
        endpoint: { host: '127.0.0.1', port }, strategy: createStrategy(strategy),
        sessionFactory: () => new Session(), count: 2,
      });
      const failure = await client.start().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(WinsockError);
      expect(failure).toMatchObject({ code: 'WSAECONNREFUSED', errno: WSAECONNREFUSED });
      expect(client.sessionCount).toBe(0);
    });

    it('retries until the server is up when retry is set', async () => {
      const port = await closedPort(strategy);
      const endpoint = { host: '127.0.0.1', port };
      const client = new ClientService({
        endpoint, strategy: createStrategy(strategy), sessionFactory: () => new Session(), count: 3,
        retry: true, connectTimeoutMs: 10_000,
      });
      const connecting = client.start();
      const server = new ServerService({ endpoint, strategy: createStrategy(strategy), sessionFactory: () => new Session() });
      await server.start();
      expect(await connecting).toHaveLength(3);
      await client.stop();
      await server.stop();
    });

    it('gives up with WSAECONNREFUSED once connectTimeoutMs is spent retrying', async () => {
      const port = await closedPort(strategy);
      const client = new ClientService({
        endpoint: { host: '127.0.0.1', port }, strategy: createStrategy(strategy),
        sessionFactory: () => new Session(), count: 1, retry: true, connectTimeoutMs: 300,
      });
      await expect(client.start()).rejects.toMatchObject({ code: 'WSAECONNREFUSED' });
    });
  });
});
