import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startClient, startServer, summaryOf } from '../helpers/apps.js';
import { cleanUp } from '../helpers/program.js';

beforeAll(assertBuilt);
afterEach(cleanUp);

const totalBytes = (lines: string[], pattern: RegExp): number =>
  lines.reduce((sum, line) => sum + Number(line.match(pattern)?.[1] ?? 0), 0);

describe('game-server --lecture event', () => {
  it('prints the lecture lines for one client, then serves the next one', async () => {
    const server = await startServer(['--lecture', 'event']);
    await server.program.waitForLine(/^Accept$/);

    const client = startClient(server.port, ['--strategy', 'event', '--count', '50']);
    await client.expectExit(0);
    await server.program.waitForLine(/^Client Disconnected: closed by peer$/);
    expect(server.program.lines).toContain('Client Connected');
    expect(totalBytes(server.program.lines, /^Data Recv Len = (\d+)$/)).toBe(100 * summaryOf(client).sent!);

    const from = server.program.lines.length;
    const doomed = startClient(server.port, []);
    await server.program.waitForLine(/^Data Recv Len = 100$/, { from });
    doomed.kill('SIGKILL');
    await server.program.waitForLine(/^Client Disconnected: /, { from });

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });
});

describe('game-server --lecture callback', () => {
  it('prints the completion routine lines for one client, then serves the next one', async () => {
    const server = await startServer(['--lecture', 'callback']);
    const client = startClient(server.port, ['--strategy', 'callback', '--count', '50']);
    await client.expectExit(0);
    await server.program.waitForLine(/^Client Disconnected: closed by peer$/);
    expect(server.program.lines).toContain('Client Connected');
    // Receives that complete at once print "Data Recv Len" and, in a later alertable wait, their routine
    // prints again; the routine lines alone account for every byte up to the last pending receive.
    expect(server.program.count(/^Data Recv Len Callback = 100$/)).toBeGreaterThan(0);
    const routineBytes = totalBytes(server.program.lines, /^Data Recv Len Callback = (\d+)$/);
    expect(routineBytes).toBeLessThanOrEqual(100 * summaryOf(client).sent!);

    const from = server.program.lines.length;
    const next = startClient(server.port, ['--strategy', 'callback', '--count', '5']);
    await server.program.waitForLine(/^Client Connected$/, { from });
    await next.expectExit(0);
    await server.program.waitForLine(/^Client Disconnected: closed by peer$/, { from });

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
  });
});
