import { UsageError } from '@overlapped/cli';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IOCP_THREADS, HELP, parseServerArgs, type ServerOptions } from '../src/cli-args.js';

function options(argv: string[]): ServerOptions {
  const parsed = parseServerArgs(argv);
  if (parsed.help) throw new Error('expected options, got --help');
  return parsed.options;
}

describe('parseServerArgs: the lecture modes', () => {
  it.each(['event', 'callback', 'iocp', 'proactor'] as const)('--lecture %s', (lecture) => {
    expect(options(['--lecture', lecture])).toMatchObject({ lecture, echo: false, threads: DEFAULT_IOCP_THREADS });
  });

  it('--lecture iocp takes --threads and --echo', () => {
    expect(options(['--lecture', 'iocp', '--threads', '2', '--echo'])).toMatchObject({ lecture: 'iocp', threads: 2, echo: true });
    expect(DEFAULT_IOCP_THREADS).toBe(5);
  });

  it('--lecture proactor takes --echo', () => {
    expect(options(['--lecture', 'proactor', '--echo'])).toMatchObject({ lecture: 'proactor', echo: true });
  });

  it.each([
    [['--lecture', 'iocp', '--threads', '0'], /--threads must be an integer in 1\.\.64, got '0'/],
    [['--lecture', 'iocp', '--threads', '65'], /--threads must be an integer in 1\.\.64, got '65'/],
    [['--threads', '2'], /--threads sets the worker threads of --lecture iocp/],
    [['--lecture', 'event', '--threads', '2'], /--threads sets the worker threads of --lecture iocp/],
    [['--lecture', 'event', '--echo'], /has no --echo: drop it \(--echo works with --lecture iocp and --lecture proactor\)/],
    [['--lecture', 'iocp', '--quiet', '--max-sessions', '3'], /has no --quiet, --max-sessions: drop them\./],
    [['--lecture', 'select'], /--lecture must be one of event, callback, iocp, proactor, got 'select'/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseServerArgs(argv)).toThrow(UsageError);
    expect(() => parseServerArgs(argv)).toThrow(message);
  });

  it('--help names every lecture mode and --threads', () => {
    for (const text of ['event ', 'callback ', 'iocp ', 'proactor ', '--threads <n>']) expect(HELP).toContain(text);
  });
});
