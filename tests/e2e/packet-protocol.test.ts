import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startClient, startServer, summaryOf } from '../helpers/apps.js';
import { cleanUp } from '../helpers/program.js';
import { destroyPeers, openPeer, packet } from '../helpers/raw-peer.js';

const ECHO = 2;
const CHAT = 3;

beforeAll(assertBuilt);
afterEach(async (context) => {
  destroyPeers();
  await cleanUp(context);
});

describe.each(['event', 'callback', 'iocp'] as const)('--protocol packet (%s)', (strategy) => {
  it('prints each packet with its id and size, and echoes it', async () => {
    const server = await startServer(['--strategy', strategy, '--protocol', 'packet', '--echo']);
    const client = startClient(server.port, [
      '--strategy', strategy, '--protocol', 'packet', '--clients', '1', '--count', '3', '--expect-echo',
    ]);
    await client.expectExit(0);
    expect(summaryOf(client)).toMatchObject({ sent: 3, echoed: 3, lost: 0 });
    const label = { event: 'Recv Len', callback: 'Recv Len Callback', iocp: 'Recv Len IOCP' }[strategy];
    expect(server.program.count(new RegExp(`^Packet ${label} = 104 \\(id ${ECHO}\\)$`))).toBe(3);
  });

  it('drops a malformed client with the reason while the others carry on', async () => {
    const server = await startServer(['--strategy', strategy, '--protocol', 'packet', '--echo', '--quiet']);
    const client = startClient(server.port, [
      '--strategy', strategy, '--protocol', 'packet', '--clients', '5', '--duration', '2', '--quiet', '--expect-echo',
    ]);
    await server.program.waitForLine(/^sessions=5 /);

    const tooShort = await openPeer(server.port);
    tooShort.write(packet(ECHO, Buffer.alloc(0), 2));
    await tooShort.closed;
    await server.program.waitForLine(/^Protocol Error, Client Dropped \(.*\): local: protocol error: .*smaller than its 4-byte/);

    const unknownId = await openPeer(server.port);
    unknownId.write(packet(99, Buffer.from('?')));
    await unknownId.closed;
    await server.program.waitForLine(/^Protocol Error, Client Dropped \(.*\): local: protocol error: unknown packet id 99 /);

    await client.expectExit(0);
    const summary = summaryOf(client);
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary).toMatchObject({ echoed: summary.sent, lost: 0 });
    await server.program.waitForLine(/ protocolErrors=2 /);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });

  it('--chat sends a Chat packet to every connected client', async () => {
    const server = await startServer(['--strategy', strategy, '--protocol', 'packet', '--chat']);
    const [alice, bob] = [await openPeer(server.port), await openPeer(server.port)];
    // A broadcast reaches the sessions open when it is sent: both must have been accepted first.
    await server.program.waitForLines(/^Client Connected/, 2);

    const hello = packet(CHAT, Buffer.from('hello, everyone'));
    alice!.write(hello);
    expect(await alice!.receive(hello.length)).toEqual(hello);
    expect(await bob!.receive(hello.length)).toEqual(hello);
  });
});
