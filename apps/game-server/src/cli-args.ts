import {
  PROTOCOL_NAMES, UsageError, parseChoiceFlag, parseFlags, parseIntegerFlag, parseIpv4Flag,
  type ParsedCommandLine, type ProtocolName,
} from '@overlapped/cli';
import { STRATEGY_NAMES, type StrategyName } from '@overlapped/core';

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

export function parseServerArgs(argv: string[]): ParsedCommandLine<ServerOptions> {
  const values = parseFlags(argv, {
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
  });
  if (values.help) return { help: true };

  if (values.lecture !== undefined) {
    const serviceOnly = ['strategy', 'protocol', 'echo', 'chat', 'quiet', 'max-sessions'] as const;
    const conflicting = serviceOnly.filter((name) => values[name] !== undefined).map((name) => `--${name}`);
    if (conflicting.length > 0) {
      const them = conflicting.length > 1 ? 'them' : 'it';
      const flags = conflicting.join(', ');
      throw new UsageError(`--lecture runs the lecture's program, which has no ${flags}: drop ${them}.`);
    }
  }
  const protocol = parseChoiceFlag('--protocol', values.protocol ?? 'raw', PROTOCOL_NAMES);
  if (values.chat && protocol !== 'packet') throw new UsageError('--chat needs --protocol packet.');
  return {
    help: false,
    options: {
      host: parseIpv4Flag('--host', values.host),
      port: parseIntegerFlag('--port', values.port, 0, 65535),
      strategy: parseChoiceFlag('--strategy', values.strategy ?? 'event', STRATEGY_NAMES),
      lecture: values.lecture === undefined ? null : parseChoiceFlag('--lecture', values.lecture, STRATEGY_NAMES),
      protocol,
      echo: values.echo ?? false,
      chat: values.chat ?? false,
      quiet: values.quiet ?? false,
      maxSessions:
        values['max-sessions'] === undefined
          ? undefined
          : parseIntegerFlag('--max-sessions', values['max-sessions'], 1, 1_000_000),
    },
  };
}
