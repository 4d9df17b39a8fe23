import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, lectureClientStrategy, startClient, startServer, summaryOf } from '../helpers/apps.js';
import { freeFixedPort } from '../helpers/free-port.js';
import { cleanUp } from '../helpers/program.js';

beforeAll(assertBuilt);
afterEach(cleanUp);

describe.each(['event', 'callback', 'iocp'] as const)('connecting (%s)', (strategy) => {
  it.each([
    ['the lecture client', []],
    ['ClientService with 3 clients', ['--clients', '3']],
  ])('%s started before the server still connects', async (_, extra) => {
    const port = await freeFixedPort();
    const clientStrategy = extra.length ? strategy : lectureClientStrategy(strategy);
    const client = startClient(port, ['--strategy', clientStrategy, '--count', '20', ...extra]);
    await client.waitForLine(/^Connecting to 127\.0\.0\.1:\d+$/);

    const server = await startServer(['--strategy', strategy, '--port', String(port)]);
    await client.waitForLine(/^Connected To Server$/);
    await client.expectExit(0);
    expect(summaryOf(client).sent).toBe(20 * (extra.length ? 3 : 1));

    server.program.kill('SIGTERM');
    await server.program.expectExit(0);
  });

  it('gives up with a clear message and a non-zero exit when nobody listens', async () => {
    const port = await freeFixedPort();
    // iocp connects through ClientService (ConnectEx); the others through the lecture's connect loop.
    const service = strategy === 'iocp' ? ['--clients', '1'] : [];
    const client = startClient(port, ['--strategy', strategy, '--connect-timeout', '1', ...service]);
    await client.expectExit(1);
    expect(client.lines.join('\n')).toMatch(/could not connect to 127\.0\.0\.1:\d+ within 1 s: .*--connect-timeout/);
  });
});
