import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startClient } from '../helpers/apps.js';
import { Program, cleanUp } from '../helpers/program.js';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../apps/game-server/dist/main.js', import.meta.url));

beforeAll(assertBuilt);
afterEach(cleanUp);

describe('command lines', () => {
  it('--help prints the options and exits 0', async () => {
    const server = new Program('game-server', SERVER, ['--help']);
    await server.expectExit(0);
    expect(server.lines.join('\n')).toMatch(/--strategy <name>/);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'.*--help/],
    [['--port', 'x'], /--port must be an integer in 0\.\.65535, got 'x'/],
    [['--strategy', 'iocp'], /--strategy must be one of event, callback, got 'iocp'/],
    [['--chat'], /--chat needs --protocol packet/],
    [['--lecture', 'event', '--echo'], /--lecture runs the lecture's program, which has no --echo/],
  ])('game-server %j says what is wrong and exits 2', async (args, message) => {
    const server = new Program('game-server', SERVER, args);
    await server.expectExit(2);
    expect(server.lines.join('\n')).toMatch(message);
  });

  it.each([
    [['--count', '0'], /--count must be an integer in 1\.\./],
    [['--duration', '1', '--count', '5'], /--duration and --count both say when to stop/],
    [['--size', '10'], /--size 10 cannot hold --message 'Hello World' and its NUL: use --size 12 or more/],
  ])('dummy-client %j says what is wrong and exits 2', async (args, message) => {
    const client = startClient(7777, args);
    await client.expectExit(2);
    expect(client.lines.join('\n')).toMatch(message);
  });
});
