import { onStopSignal, untilStopSignal } from '@overlapped/cli';
import { ServerService, createStrategy, type Session } from '@overlapped/core';
import { getEngine } from '@overlapped/winsock-native';
import type { ServerOptions } from './cli-args.js';
import { GamePacketSession } from './game-packet-session.js';
import { RawSession } from './raw-session.js';
import type { ServerObserver } from './server-observer.js';
import { ServerStats } from './server-stats.js';
import { VerboseLog } from './verbose-log.js';

/** The GameServer on @overlapped/core: any number of clients until SIGINT/SIGTERM, then an orderly stop. */
export async function runServer(options: ServerOptions): Promise<void> {
  const stats = options.quiet ? new ServerStats(() => service.rejectedCount) : null;
  const observer: ServerObserver = stats ?? new VerboseLog(options.strategy);
  const newSession = (): Session =>
    options.protocol === 'packet'
      ? new GamePacketSession(observer, {
          echo: options.echo,
          chat: options.chat,
          broadcast: (packet) => service.broadcast(packet),
        })
      : new RawSession(observer, options.echo);

  const service: ServerService = new ServerService({
    endpoint: { host: options.host, port: options.port },
    strategy: createStrategy(options.strategy),
    sessionFactory: newSession,
    maxSessions: options.maxSessions,
  });
  // A failed accept or a hook that threw: worth a line, never worth stopping the other sessions for.
  service.on('error', (error: Error) => console.error(`game-server: ${error.message}`));

  const stop = onStopSignal();
  const bound = await service.start();
  const extras = [
    options.echo && 'echo',
    options.chat && 'chat',
    options.maxSessions && `max ${options.maxSessions} sessions`,
  ];
  console.log(
    `Listening on ${bound.host}:${bound.port} (strategy ${options.strategy}, protocol ${options.protocol}, ` +
      `engine ${getEngine().name}` +
      `${extras.filter(Boolean).map((extra) => `, ${extra}`).join('')})`,
  );
  stats?.start();

  const signal = await untilStopSignal(stop);
  console.log(`${signal}: closing ${service.sessionCount} session(s)`);
  stats?.stop();
  await service.stop();
  console.log('Server stopped');
}
