import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, lectureClientStrategy, startClient, startServer, summaryOf } from '../helpers/apps.js';
import { cleanUp } from '../helpers/program.js';

beforeAll(assertBuilt);
afterEach(cleanUp);

describe.each(['event', 'callback', 'iocp'] as const)('a client killed mid-run (%s)', (strategy) => {
  it('is reported as disconnected, and the server keeps serving a new client', async () => {
    const server = await startServer(['--strategy', strategy]);
    const doomed = startClient(server.port, ['--strategy', lectureClientStrategy(strategy)]);
    await server.program.waitForLine(/^Data Recv Len/);

    doomed.kill('SIGKILL');
    const disconnect = await server.program.waitForLine(/^Client Disconnected \(.*\): (.*)$/);
    expect(disconnect[1]).toMatch(/closed by peer|connection reset by peer \(WSAECONNRESET\)/);

    const from = server.program.lines.length;
    const next = startClient(server.port, ['--strategy', lectureClientStrategy(strategy), '--count', '5']);
    await server.program.waitForLine(/^Client Connected/, { from });
    await next.expectExit(0);
    expect(summaryOf(next).sent).toBe(5);
    await server.program.waitForLine(/^Client Disconnected .*: closed by peer$/, { from });

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });
});
