import {
  PROTOCOL_NAMES, UsageError, parseChoiceFlag, parseFlags, parseIntegerFlag, parseIpv4Flag,
  parseSecondsFlag, type ParsedCommandLine, type ProtocolName,
} from '@overlapped/cli';
import { STRATEGY_NAMES, type StrategyName } from '@overlapped/core';
import { DEFAULT_MAX_PACKET_SIZE, HEADER_SIZE } from '@overlapped/protocol';

/** When sending stops: after a time, after a number of messages per client, or never (until Ctrl-C). */
export type SendLimit = { kind: 'duration'; ms: number } | { kind: 'count'; messages: number } | { kind: 'forever' };

export interface ClientOptions {
  host: string;
  port: number;
  /** null: the lecture's single-client program; a number: that many sessions on core's ClientService. */
  clients: number | null;
  intervalMs: number;
  size: number;
  message: string;
  limit: SendLimit;
  strategy: StrategyName;
  protocol: ProtocolName;
  quiet: boolean;
  /** The server echoes: wait for every echo once sending stops, and count the missing ones as lost. */
  expectEcho: boolean;
  connectTimeoutMs: number;
  echoTimeoutMs: number;
}

/** Bytes appended to each message on the ClientService path so an echo carries its own send time. */
export const STAMP_SIZE = 8;

export const HELP = `Usage: dummy-client [options]

The lecture's DummyClient: connects (retrying until the server is up), then sends a zero-padded
"Hello World" buffer of 100 bytes every 10 ms and prints "Send Len = 100" for each.

Options:
  --host <ipv4>            server address (default 127.0.0.1)
  --port <n>               server port (default 7777)
  --clients <n>            run n sessions on @overlapped/core's ClientService; without it (and without
                           --quiet, --protocol packet or --expect-echo) the lecture's program runs
  --interval <ms>          time between sends, per client (default 10)
  --size <bytes>           bytes per message (default 100)
  --message <text>         text at the start of each message, zero-padded to --size (default "Hello World")
  --duration <s>           stop sending after s seconds (fractions allowed)
  --count <n>              stop sending after n messages per client
                           (neither: send until Ctrl-C, which is what \`pnpm dev\` does)
  --strategy <name>        how completions are learned: event | callback | iocp (default event)
  --protocol <name>        raw (default) | packet: each message travels as an Echo packet
  --quiet                  one stats line a second (connected, sent/s, echo round-trip p50/p99)
                           instead of a line per send
  --expect-echo            the server echoes (game-server --echo): once sending stops, wait for every
                           echo, report the missing ones as lost and exit 1 if any is
  --echo-timeout <s>       how long --expect-echo waits for outstanding echoes (default 5)
  --connect-timeout <s>    give up connecting after s seconds (default 10)
  -h, --help               show this help

On the ClientService path each message ends with an 8-byte send timestamp, so echoes give round-trip times.
It ends with "Summary: sent=N echoed=N [lost=N] bytes=N"; the exit code is 0 when every send was flushed
(and, with --expect-echo, every echo came back), 1 when it could not connect or messages were lost.`;

export function parseClientArgs(argv: string[]): ParsedCommandLine<ClientOptions> {
  const values = parseFlags(argv, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '7777' },
    clients: { type: 'string' },
    interval: { type: 'string', default: '10' },
    size: { type: 'string', default: '100' },
    message: { type: 'string', default: 'Hello World' },
    duration: { type: 'string' },
    count: { type: 'string' },
    strategy: { type: 'string', default: 'event' },
    protocol: { type: 'string', default: 'raw' },
    quiet: { type: 'boolean', default: false },
    'expect-echo': { type: 'boolean', default: false },
    'connect-timeout': { type: 'string', default: '10' },
    'echo-timeout': { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return { help: true };

  const protocol = parseChoiceFlag('--protocol', values.protocol, PROTOCOL_NAMES);
  const clients = values.clients === undefined ? null : parseIntegerFlag('--clients', values.clients, 1, 100_000);
  const onService = clients !== null || values.quiet || protocol === 'packet' || values['expect-echo'];
  const message = values.message;
  const size = parseIntegerFlag('--size', values.size, 1, 60_000);
  // Like `char sendBuffer[100] = "Hello World"`: the text and its NUL must fit (plus the stamp when used).
  const needed = Buffer.byteLength(message) + 1 + (onService ? STAMP_SIZE : 0);
  if (size < needed) {
    const stamp = onService ? ` and an ${STAMP_SIZE}-byte send timestamp` : '';
    throw new UsageError(
      `--size ${size} cannot hold --message '${message}' and its NUL${stamp}: use --size ${needed} or more, or a shorter --message.`,
      { pointToHelp: false },
    );
  }
  if (protocol === 'packet' && HEADER_SIZE + size > DEFAULT_MAX_PACKET_SIZE) {
    throw new UsageError(
      `--size ${size} makes a ${HEADER_SIZE + size}-byte packet, over the ${DEFAULT_MAX_PACKET_SIZE}-byte maximum: ` +
        `use --size ${DEFAULT_MAX_PACKET_SIZE - HEADER_SIZE} or less with --protocol packet.`,
      { pointToHelp: false },
    );
  }
  const strategy = parseChoiceFlag('--strategy', values.strategy, STRATEGY_NAMES);
  if (strategy === 'iocp' && !onService) {
    throw new UsageError(
      "--strategy iocp runs on ClientService: add --clients N (the lecture's DummyClient has the event and callback models).",
    );
  }
  return {
    help: false,
    options: {
      host: parseIpv4Flag('--host', values.host),
      port: parseIntegerFlag('--port', values.port, 1, 65535),
      clients,
      intervalMs: parseIntegerFlag('--interval', values.interval, 0, 3_600_000),
      size,
      message,
      limit: sendLimit(values.duration, values.count),
      strategy,
      protocol,
      quiet: values.quiet,
      expectEcho: values['expect-echo'],
      connectTimeoutMs: parseSecondsFlag('--connect-timeout', values['connect-timeout']),
      echoTimeoutMs: parseSecondsFlag('--echo-timeout', values['echo-timeout']),
    },
  };
}

function sendLimit(duration: string | undefined, count: string | undefined): SendLimit {
  if (duration !== undefined && count !== undefined) {
    throw new UsageError('--duration and --count both say when to stop: give one of them.');
  }
  if (duration !== undefined) return { kind: 'duration', ms: parseSecondsFlag('--duration', duration) };
  if (count !== undefined) {
    return { kind: 'count', messages: parseIntegerFlag('--count', count, 1, Number.MAX_SAFE_INTEGER) };
  }
  return { kind: 'forever' };
}
