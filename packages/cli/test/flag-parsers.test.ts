import { describe, expect, it } from 'vitest';
import {
  UsageError, parseChoiceFlag, parseFlags, parseIntegerFlag, parseIpv4Flag, parseSecondsFlag, usageErrorLine,
} from '../src/index.js';

/** The UsageError `parse` throws (failing the test if it throws nothing, or something else). */
function usageErrorOf(parse: () => unknown): UsageError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

describe('parseIntegerFlag', () => {
  it('accepts plain digits within the bounds, the bounds included', () => {
    expect(parseIntegerFlag('--port', '0', 0, 65535)).toBe(0);
    expect(parseIntegerFlag('--port', '65535', 0, 65535)).toBe(65535);
    expect(parseIntegerFlag('--count', '007', 1, 10)).toBe(7);
  });

  it.each(['x', '', '-1', '1.5', '1e3', '0x10', ' 8', '65536'])('refuses %j, naming the flag and the range', (text) => {
    const error = usageErrorOf(() => parseIntegerFlag('--port', text, 0, 65535));
    expect(error.message).toBe(`--port must be an integer in 0..65535, got '${text}'.`);
    expect(error.pointsToHelp).toBe(true);
  });

  it('refuses a number below the minimum', () => {
    expect(usageErrorOf(() => parseIntegerFlag('--count', '0', 1, 9_007_199_254_740_991)).message).toBe(
      "--count must be an integer in 1..9007199254740991, got '0'.",
    );
  });
});

describe('parseSecondsFlag', () => {
  it('returns milliseconds, fractions rounded to the millisecond', () => {
    expect(parseSecondsFlag('--duration', '2')).toBe(2000);
    expect(parseSecondsFlag('--duration', '0.25')).toBe(250);
    expect(parseSecondsFlag('--duration', '31536000')).toBe(31_536_000_000);
  });

  it.each(['0', '0.0', '-1', '1.', '.5', '1.5.2', 'x', '31536001'])('refuses %j', (text) => {
    expect(usageErrorOf(() => parseSecondsFlag('--connect-timeout', text)).message).toBe(
      `--connect-timeout must be a positive number of seconds, got '${text}'.`,
    );
  });
});

describe('parseIpv4Flag', () => {
  it('returns a dotted quad as written', () => {
    expect(parseIpv4Flag('--host', '127.0.0.1')).toBe('127.0.0.1');
    expect(parseIpv4Flag('--host', '255.255.255.255')).toBe('255.255.255.255');
  });

  it.each(['localhost', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.1000', '1..2.3', '::1'])('refuses %j', (text) => {
    expect(usageErrorOf(() => parseIpv4Flag('--host', text)).message).toBe(
      `--host must be a dotted IPv4 address such as 127.0.0.1, got '${text}'.`,
    );
  });
});

describe('parseChoiceFlag', () => {
  const strategies = ['event', 'callback'] as const;

  it('returns the choice, typed as one of them', () => {
    const strategy: 'event' | 'callback' = parseChoiceFlag('--strategy', 'callback', strategies);
    expect(strategy).toBe('callback');
  });

  it.each(['iocp', 'Event', ''])('refuses %j, listing the choices', (text) => {
    expect(usageErrorOf(() => parseChoiceFlag('--strategy', text, strategies)).message).toBe(
      `--strategy must be one of event, callback, got '${text}'.`,
    );
  });
});

describe('parseFlags', () => {
  const flags = {
    port: { type: 'string', default: '7777' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h', default: false },
  } as const;

  it('returns the values, defaults filled in', () => {
    expect(parseFlags(['--quiet'], flags)).toEqual({ port: '7777', quiet: true, help: false });
    expect(parseFlags(['-h', '--port', '1'], flags)).toEqual({ port: '1', help: true });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'."],
    [['--port'], "Option '--port <value>' argument missing."],
    [['--quiet=1'], "Option '--quiet' does not take an argument."],
  ])('turns Node\'s complaint about %j into a UsageError', (argv, message) => {
    const error = usageErrorOf(() => parseFlags(argv, flags));
    expect(error.message).toBe(message);
    expect(error.pointsToHelp).toBe(true);
  });

  it('refuses positional arguments', () => {
    expect(usageErrorOf(() => parseFlags(['extra'], flags)).message).toBe(
      "Unexpected argument 'extra'. This command does not take positional arguments.",
    );
  });
});

describe('usageErrorLine', () => {
  it('prefixes the program and points at --help', () => {
    const error = new UsageError("--port must be an integer in 0..65535, got 'x'.");
    expect(usageErrorLine('game-server', error)).toBe(
      "game-server: --port must be an integer in 0..65535, got 'x'. Run game-server --help for the options.",
    );
  });

  it('leaves out the pointer when the message already says what to type', () => {
    const error = new UsageError('--size 10 is too small: use --size 12 or more.', { pointToHelp: false });
    expect(usageErrorLine('dummy-client', error)).toBe('dummy-client: --size 10 is too small: use --size 12 or more.');
  });
});
