import {
  PROTOCOL_NAMES, UsageError, parseChoiceFlag, parseFlags, parseIntegerFlag, parseIpv4Flag,
  type ParsedCommandLine, type ProtocolName,
} from '@overlapped/cli';
import { STRATEGY_NAMES, type StrategyName } from '@overlapped/core';
import { getEngine } from '@overlapped/winsock-native';

/** What --lecture runs: the lecture's programs on @overlapped/winsock-native, line by line (src/lecture/). */
export const LECTURE_NAMES = ['event', 'callback', 'iocp', 'proactor'] as const;
export type LectureName = (typeof LECTURE_NAMES)[number];

/** The lecture's IOCP server launches five worker threads. */
export const DEFAULT_IOCP_THREADS = 5;
const MAX_IOCP_THREADS = 64;

/** The lecture programs that take --echo: the multi-session servers (their sessions have a send side). */
const LECTURES_WITH_ECHO: readonly LectureName[] = ['iocp', 'proactor'];

export interface ServerOptions {
  host: string;
  port: number;
  strategy: StrategyName;
  /** Run one of the lecture's programs instead of the ServerService. */
  lecture: LectureName | null;
  /** --lecture iocp: the worker threads that wait on the completion port. */
  threads: number;
  protocol: ProtocolName;
  echo: boolean;
  chat: boolean;
  quiet: boolean;
  maxSessions: number | undefined;
}

/** The engine under @overlapped/winsock-native in this process, and why: "io_uring (Linux 6.1 accepts io_uring)". */
export function describeEngine(): string {
  const engine = getEngine();
  return `${engine.name} (${engine.reason})`;
}

export const HELP = `Usage: game-server [options]

The lecture's GameServer: accepts TCP clients and prints what it receives.

Options:
  --host <ipv4>            address to listen on (default 127.0.0.1)
  --port <n>               port to listen on, 0 picks a free one (default 7777);
                           the bound port is printed as "Listening on HOST:PORT"
  --strategy <name>        how completions are learned: event | callback | iocp (default event)
  --protocol <name>        raw: every receive is a message (default);
                           packet: [size u16 LE][id u16 LE] packets, malformed ones drop the session
  --echo                   send every message (raw) or packet (packet) back to its sender;
                           also with --lecture iocp and --lecture proactor
  --chat                   with --protocol packet: broadcast every Chat packet to every client
  --quiet                  one stats line a second instead of a line per message
  --max-sessions <n>       refuse connections beyond n open sessions
  --lecture <name>         run one of the lecture's programs line by line (takes only --host,
                           --port, and the flags named here):
                           event     overlapped I/O with event objects, one client at a time
                           callback  overlapped I/O with completion routines, one client at a time
                           iocp      a completion port and --threads worker threads, many clients
                                     (--echo: send each receive back)
                           proactor  the notes' multi-session server: Proactor threads waiting on
                                     the session events, 63 sessions each (--echo as for iocp)
  --threads <n>            with --lecture iocp: worker threads waiting on the completion port
                           (1..${MAX_IOCP_THREADS}, default ${DEFAULT_IOCP_THREADS} as in the lecture)
  -h, --help               show this help

Engine: ${describeEngine()}
  (Linux: OVERLAPPED_BACKEND=io_uring or OVERLAPPED_BACKEND=epoll chooses; unset, io_uring runs
  where the kernel allows it)

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
    threads: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return { help: true };

  const lecture = values.lecture === undefined ? null : parseChoiceFlag('--lecture', values.lecture, LECTURE_NAMES);
  if (lecture !== null) {
    const serviceOnly = ['strategy', 'protocol', 'echo', 'chat', 'quiet', 'max-sessions'] as const;
    const conflicting = serviceOnly
      .filter((name) => values[name] !== undefined)
      .filter((name) => !(name === 'echo' && LECTURES_WITH_ECHO.includes(lecture)))
      .map((name) => `--${name}`);
    if (conflicting.length > 0) {
      const them = conflicting.length > 1 ? 'them' : 'it';
      const flags = conflicting.join(', ');
      const echoHint = conflicting.includes('--echo') ? ' (--echo works with --lecture iocp and --lecture proactor)' : '';
      throw new UsageError(`--lecture runs the lecture's program, which has no ${flags}: drop ${them}${echoHint}.`);
    }
  }
  if (values.threads !== undefined && lecture !== 'iocp') {
    throw new UsageError(`--threads sets the worker threads of --lecture iocp: add --lecture iocp, or drop --threads.`);
  }
  const protocol = parseChoiceFlag('--protocol', values.protocol ?? 'raw', PROTOCOL_NAMES);
  if (values.chat && protocol !== 'packet') throw new UsageError('--chat needs --protocol packet.');
  return {
    help: false,
    options: {
      host: parseIpv4Flag('--host', values.host),
      port: parseIntegerFlag('--port', values.port, 0, 65535),
      strategy: parseChoiceFlag('--strategy', values.strategy ?? 'event', STRATEGY_NAMES),
      lecture,
      threads:
        values.threads === undefined
          ? DEFAULT_IOCP_THREADS
          : parseIntegerFlag('--threads', values.threads, 1, MAX_IOCP_THREADS),
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
