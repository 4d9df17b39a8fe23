import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startClient, startServer, summaryOf } from '../helpers/apps.js';
import { cleanUp } from '../helpers/program.js';

beforeAll(assertBuilt);
afterEach(cleanUp);

describe.each(['event', 'callback', 'iocp'] as const)('200 clients against an echo server (%s)', (strategy) => {
  it('every message comes back, none is lost, and both exit 0', async () => {
    const server = await startServer(['--strategy', strategy, '--echo', '--quiet']);
    const client = startClient(server.port, [
      '--strategy', strategy, '--clients', '200', '--quiet', '--duration', '2', '--expect-echo',
    ]);

    await server.program.waitForLine(/^sessions=200 /);
    await client.expectExit(0, 30_000);
    const summary = summaryOf(client);
    expect(summary.sent).toBeGreaterThan(200);
    expect(summary.echoed).toBe(summary.sent);
    expect(summary.lost).toBe(0);
    expect(client.lines.some((line) => /^connected=200 .* rtt p50=[\d.]+ms p99=[\d.]+ms$/.test(line))).toBe(true);

    server.program.kill('SIGINT');
    await server.program.expectExit(0);
    expect(server.program.count(/protocolErrors=[1-9]/)).toBe(0);
  });
});

describe('--expect-echo against a server that does not echo', () => {
  it('reports every message as lost and exits 1', async () => {
    const server = await startServer([]);
    const client = startClient(server.port, [
      '--clients', '2', '--count', '5', '--expect-echo', '--echo-timeout', '0.5',
    ]);
    await client.expectExit(1);
    expect(summaryOf(client)).toMatchObject({ sent: 10, echoed: 0, lost: 10 });
    expect(client.lines.join('\n')).toMatch(/messages still unanswered after --echo-timeout 0.5 s/);
  });
});
