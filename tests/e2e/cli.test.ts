import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getEngine } from '@overlapped/winsock-native';
import { assertBuilt, startClient, startServer } from '../helpers/apps.js';
import { Program, cleanUp } from '../helpers/program.js';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SERVER = fileURLToPath(new URL('../../apps/game-server/dist/main.js', import.meta.url));
const WORKSPACE_BIN = fileURLToPath(new URL('../../node_modules/.bin/', import.meta.url));

beforeAll(assertBuilt);
afterEach(cleanUp);

describe('command lines', () => {
  it('--help prints the options and exits 0', async () => {
    const server = new Program('game-server', SERVER, ['--help']);
    await server.expectExit(0);
    const help = server.lines.join('\n');
    expect(help).toMatch(/--strategy <name>/);
    expect(help).toMatch(/--lecture <name>/);
    expect(help).toMatch(/^ +iocp +a completion port and --threads worker threads/m);
    expect(help).toMatch(/^ +proactor +the notes' multi-session server/m);
    expect(help).toMatch(/--threads <n> +with --lecture iocp: .*\n.*default 5/);
  });

  // pnpm links the workspace's commands at install time, before the build: `pnpm exec game-server` works only
  // because each bin is a file that is always there (apps/*/bin) and runs the build.
  it.each([
    ['game-server', /^Usage: game-server \[options\]/m],
    ['dummy-client', /^Usage: dummy-client \[options\]/m],
  ])('the workspace links the %s command (what pnpm exec runs)', async (command, usage) => {
    const { stdout } = await promisify(execFile)(`${WORKSPACE_BIN}${command}`, ['--help'], { timeout: 30_000 });
    expect(stdout).toMatch(usage);
  });

  it('--help and the Listening line name the engine that runs (OVERLAPPED_BACKEND when it is set)', async () => {
    const expected = getEngine().name;  // this process has the server's environment, so the same choice
    if (process.env.OVERLAPPED_BACKEND) expect(expected).toBe(process.env.OVERLAPPED_BACKEND);
    const help = new Program('game-server', SERVER, ['--help']);
    await help.expectExit(0);
    expect(help.lines.join('\n')).toMatch(new RegExp(`^Engine: ${expected} \\(.+\\)$`, 'm'));
    const { program } = await startServer(['--quiet']);
    expect(program.lines.find((line) => line.startsWith('Listening on'))).toMatch(new RegExp(`, engine ${expected}\\)$`));
    const lecture = await startServer(['--lecture', 'event']);
    expect(lecture.program.lines[0]).toMatch(new RegExp(`^Listening on 127\\.0\\.0\\.1:${lecture.port} \\(engine ${expected}\\)$`));
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'.*--help/],
    [['--port', 'x'], /--port must be an integer in 0\.\.65535, got 'x'/],
    [['--strategy', 'bogus'], /--strategy must be one of event, callback, iocp, got 'bogus'/],
    [['--chat'], /--chat needs --protocol packet/],
    [['--lecture', 'event', '--echo'], /--lecture runs the lecture's program, which has no --echo/],
    [['--lecture', 'callback', '--echo'], /no --echo: drop it \(--echo works with --lecture iocp and --lecture proactor\)/],
    [['--lecture', 'iocp', '--strategy', 'event'], /--lecture runs the lecture's program, which has no --strategy/],
    [['--lecture', 'proactor', '--quiet', '--echo'], /which has no --quiet: drop it\./],
    [['--lecture', 'bogus'], /--lecture must be one of event, callback, iocp, proactor, got 'bogus'/],
    [['--threads', '3'], /--threads sets the worker threads of --lecture iocp: add --lecture iocp, or drop --threads/],
    [['--lecture', 'proactor', '--threads', '3'], /--threads sets the worker threads of --lecture iocp/],
    [['--lecture', 'iocp', '--threads', '0'], /--threads must be an integer in 1\.\.64, got '0'/],
    [['--lecture', 'iocp', '--threads', 'many'], /--threads must be an integer in 1\.\.64, got 'many'/],
  ])('game-server %j says what is wrong and exits 2', async (args, message) => {
    const server = new Program('game-server', SERVER, args);
    await server.expectExit(2);
    expect(server.lines.join('\n')).toMatch(message);
  });

  it.each([
    [['--count', '0'], /--count must be an integer in 1\.\./],
    [['--duration', '1', '--count', '5'], /--duration and --count both say when to stop/],
    [['--size', '10'], /--size 10 cannot hold --message 'Hello World' and its NUL: use --size 12 or more/],
    [['--strategy', 'iocp'], /--strategy iocp runs on ClientService: add --clients N/],
  ])('dummy-client %j says what is wrong and exits 2', async (args, message) => {
    const client = startClient(7777, args);
    await client.expectExit(2);
    expect(client.lines.join('\n')).toMatch(message);
  });
});
