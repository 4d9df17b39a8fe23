import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startClient, startServer, summaryOf } from '../helpers/apps.js';
import { cleanUp } from '../helpers/program.js';

beforeAll(assertBuilt);
afterEach(cleanUp);

describe.each(['event', 'callback'] as const)('one lecture client for 2 s (%s)', (strategy) => {
  it('the server receives every 100-byte send, about one per 10 ms', async () => {
    const recvLine = strategy === 'event' ? /^Data Recv Len = (\d+)$/ : /^Data Recv Len Callback = (\d+)$/;
    const server = await startServer(['--strategy', strategy]);
    const client = startClient(server.port, ['--strategy', strategy, '--duration', '2']);

    await client.expectExit(0);
    const { sent } = summaryOf(client);
    expect(client.count(/^Send Len = 100$/)).toBe(sent);
    expect(sent).toBeGreaterThanOrEqual(120);
    expect(sent).toBeLessThanOrEqual(220);

    // The disconnect comes after every byte the client sent (TCP delivers the close in order).
    await server.program.waitForLine(/^Client Disconnected .*: closed by peer$/);
    const received = server.program.lines.flatMap((line) => line.match(recvLine)?.[1] ?? []).map(Number);
    expect(received.reduce((a, b) => a + b, 0)).toBe(100 * sent!);
    // A receive may carry two sends that arrived together, never a partial one at this rate.
    expect(received.filter((n) => n === 100).length).toBeGreaterThanOrEqual(120);
    expect(received.length).toBeLessThanOrEqual(sent!);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
    expect(server.program.lines).toContain('Server stopped');
  });
});
