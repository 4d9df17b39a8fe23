import { parseArgs } from 'node:util';

export type StrategyName = 'event' | 'callback';
export type ProtocolName = 'raw' | 'packet';

export interface ServerOptions {
  host: string;
  port: number;
  strategy: StrategyName;
  /** Run the lecture's single-client program instead of the ServerService. */
  lecture: StrategyName | null;
  protocol: ProtocolName;
  echo: boolean;
  chat: boolean;
  quiet: boolean;
  maxSessions: number | undefined;
}

export type ParsedArgs = { help: true } | { help: false; options: ServerOptions };

/** A command line the program cannot run; main prints the message and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const HELP = `Usage: game-server [options]

The lecture's GameServer: accepts TCP clients and prints what it receives.

Options:
  --host <ipv4>            address to listen on (default 127.0.0.1)
  --port <n>               port to listen on, 0 picks a free one (default 7777);
                           the bound port is printed as "Listening on HOST:PORT"
  --strategy <name>        how completions are learned: event | callback (default event)
  --protocol <name>        raw: every receive is a message (default);
                           packet: [size u16 LE][id u16 LE] packets, malformed ones drop the session
  --echo                   send every message (raw) or packet (packet) back to its sender
  --chat                   with --protocol packet: broadcast every Chat packet to every client
  --quiet                  one stats line a second instead of a line per message
  --max-sessions <n>       refuse connections beyond n open sessions
  --lecture <name>         run the lecture's single-client program line by line:
                           event | callback (takes only --host and --port)
  -h, --help               show this help

Ctrl-C (SIGINT) or SIGTERM closes every session and exits with code 0.`;

const STRATEGIES: readonly StrategyName[] = ['event', 'callback'];
const PROTOCOLS: readonly ProtocolName[] = ['raw', 'packet'];
const FIX = 'Run game-server --help for the options.';

export function parseServerArgs(argv: string[]): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '7777' },
        // No defaults here for what --lecture cannot honour, so a conflicting flag can be told from a default.
        strategy: { type: 'string' },
        protocol: { type: 'string' },
        echo: { type: 'boolean' },
        chat: { type: 'boolean' },
        quiet: { type: 'boolean' },
        'max-sessions': { type: 'string' },
        lecture: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // parseArgs names the offending flag ("Unknown option '--x'", "Option '--port <value>' argument missing").
    throw new UsageError(`${(error as Error).message}. ${FIX}`);
  }
  if (values.help) return { help: true };

  if (values.lecture !== undefined) {
    const serviceOnly = ['strategy', 'protocol', 'echo', 'chat', 'quiet', 'max-sessions'] as const;
    const conflicting = serviceOnly.filter((name) => values[name] !== undefined).map((name) => `--${name}`);
    if (conflicting.length > 0) {
      const them = conflicting.length > 1 ? 'them' : 'it';
      const flags = conflicting.join(', ');
      throw new UsageError(`--lecture runs the lecture's program, which has no ${flags}: drop ${them}. ${FIX}`);
    }
  }
  const protocol = oneOf('--protocol', values.protocol ?? 'raw', PROTOCOLS);
  if (values.chat && protocol !== 'packet') throw new UsageError(`--chat needs --protocol packet. ${FIX}`);
  return {
    help: false,
    options: {
      host: ipv4('--host', values.host),
      port: integer('--port', values.port, 0, 65535),
      strategy: oneOf('--strategy', values.strategy ?? 'event', STRATEGIES),
      lecture: values.lecture === undefined ? null : oneOf('--lecture', values.lecture, STRATEGIES),
      protocol,
      echo: values.echo ?? false,
      chat: values.chat ?? false,
      quiet: values.quiet ?? false,
      maxSessions:
        values['max-sessions'] === undefined ? undefined : integer('--max-sessions', values['max-sessions'], 1, 1_000_000),
    },
  };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'. ${FIX}`);
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (/^\d+$/.test(text) && value >= min && value <= max) return value;
  throw new UsageError(`${flag} must be an integer in ${min}..${max}, got '${text}'. ${FIX}`);
}

function ipv4(flag: string, text: string): string {
  const parts = text.split('.');
  if (parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return text;
  throw new UsageError(`${flag} must be a dotted IPv4 address such as 127.0.0.1, got '${text}'. ${FIX}`);
}
