import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServer } from '../helpers/apps.js';
import { cleanUp } from '../helpers/program.js';
import { destroyPeers, openPeer, type RawPeer } from '../helpers/raw-peer.js';

beforeAll(assertBuilt);
afterEach(async (context) => {
  destroyPeers();
  await cleanUp(context);
});

describe.each(['event', 'callback', 'iocp'] as const)('--max-sessions (%s)', (strategy) => {
  it('closes connections beyond the limit and counts them', async () => {
    const server = await startServer(['--strategy', strategy, '--max-sessions', '2', '--quiet']);
    const peers: RawPeer[] = [];
    for (let i = 0; i < 3; i++) peers.push(await openPeer(server.port));

    // Exactly one of the three is refused; which one depends on accept order.
    await Promise.race(peers.map((peer) => peer.closed));
    await server.program.waitForLine(/^sessions=2 .* rejected=1$/);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
    await Promise.all(peers.map((peer) => peer.closed));
    expect(server.program.lines).toContain('Server stopped');
  });
});
