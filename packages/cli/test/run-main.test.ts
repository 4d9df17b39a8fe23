import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { UsageError, parseIntegerFlag, runMain, type CommandLineProgram, type ParsedCommandLine } from '../src/index.js';

/** A program whose only flag is `--code <n>`: it exits with n, or throws when n is 99. */
function program(run: (code: number) => Promise<number> = async (code) => code): CommandLineProgram<number> {
  return {
    name: 'demo',
    help: 'Usage: demo --code <n>',
    parse(argv): ParsedCommandLine<number> {
      if (argv[0] === '--help') return { help: true };
      if (argv[0] === '--broken') throw new TypeError('parse bug');
      if (argv[0] === '--size') throw new UsageError('--size 1 is too small: use 4 or more.', { pointToHelp: false });
      return { help: false, options: parseIntegerFlag('--code', argv[1] ?? '', 0, 99) };
    },
    run,
  };
}

describe('runMain', () => {
  let log: MockInstance<typeof console.log>;
  let error: MockInstance<typeof console.error>;

  beforeEach(() => {
    log = vi.spyOn(console, 'log').mockImplementation(() => {});
    error = vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(() => {
    vi.restoreAllMocks();
    // runMain sets the exit code of this very process: the test run's own must not inherit it.
    process.exitCode = undefined;
  });

  it('prints the help on stdout and exits 0', async () => {
    expect(await runMain(program(), ['--help'])).toBe(0);
    expect(log.mock.calls).toEqual([['Usage: demo --code <n>']]);
    expect(error).not.toHaveBeenCalled();
    expect(process.exitCode).toBe(0);
  });

  it('runs the program and sets its exit code, printing nothing of its own', async () => {
    expect(await runMain(program(), ['--code', '3'])).toBe(3);
    expect(process.exitCode).toBe(3);
    expect(log).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('prints a usage error on stderr, pointing at --help, and exits 2', async () => {
    expect(await runMain(program(), ['--code', 'x'])).toBe(2);
    expect(error.mock.calls).toEqual([
      ["demo: --code must be an integer in 0..99, got 'x'. Run demo --help for the options."],
    ]);
    expect(process.exitCode).toBe(2);
  });

  it('prints a usage error that says its own fix without the pointer', async () => {
    expect(await runMain(program(), ['--size'])).toBe(2);
    expect(error.mock.calls).toEqual([['demo: --size 1 is too small: use 4 or more.']]);
  });

  it('prints whatever the program throws as "<name>: <message>" and exits 1', async () => {
    const failing = program(async () => {
      throw new Error('could not connect');
    });
    expect(await runMain(failing, ['--code', '0'])).toBe(1);
    expect(error.mock.calls).toEqual([['demo: could not connect']]);
    expect(process.exitCode).toBe(1);
  });

  it('treats an error from parse that is not a UsageError as a failure, not a usage error', async () => {
    expect(await runMain(program(), ['--broken'])).toBe(1);
    expect(error.mock.calls).toEqual([['demo: parse bug']]);
  });
});
