import {
  ClientService, ServerService, createStrategy, type CompletionStrategy, type Endpoint, type Session,
  type StrategyName,
} from '../../src/index.js';
import { deferred } from './deferred.js';

export const LOOPBACK: Endpoint = { host: '127.0.0.1', port: 0 };

export interface PairOptions<S extends Session, C extends Session> {
  count: number;
  serverSession: () => S;
  clientSession: () => C;
  maxSessions?: number;
  recvBufferSize?: number;
}

/** A running server and a client service connected to it, each on its own strategy instance. */
export class ServicePair<S extends Session, C extends Session> {
  readonly serverStrategy: CompletionStrategy;
  readonly clientStrategy: CompletionStrategy;
  readonly server: ServerService;
  readonly serverSessions: S[] = [];
  client!: ClientService;
  clientSessions: C[] = [];
  endpoint!: Endpoint;
  private readonly sessionWaiters: Array<{ count: number; resolve(): void }> = [];

  private constructor(private readonly strategyName: StrategyName, options: PairOptions<S, C>) {
    this.serverStrategy = createStrategy(strategyName);
    this.clientStrategy = createStrategy(strategyName);
    this.server = new ServerService({
      endpoint: LOOPBACK, strategy: this.serverStrategy, sessionFactory: options.serverSession,
      maxSessions: options.maxSessions, recvBufferSize: options.recvBufferSize,
    });
    this.server.on('session', (session: S) => {
      this.serverSessions.push(session);
      this.wakeSessionWaiters();
    });
  }

  static async start<S extends Session, C extends Session>(
    strategyName: StrategyName, options: PairOptions<S, C>,
  ): Promise<ServicePair<S, C>> {
    const pair = new ServicePair(strategyName, options);
    pair.endpoint = await pair.server.start();
    pair.client = new ClientService({
      endpoint: pair.endpoint, strategy: pair.clientStrategy, sessionFactory: options.clientSession,
      count: options.count,
    });
    pair.clientSessions = (await pair.client.start()) as C[];
    return pair;
  }

  /** Resolves once the server has opened `count` sessions. */
  serverSessionsOpened(count: number): Promise<void> {
    const { promise, resolve } = deferred();
    this.sessionWaiters.push({ count, resolve });
    this.wakeSessionWaiters();
    return promise;
  }

  /** Stops both services; both strategies must have drained. */
  async stop(): Promise<void> {
    await this.client.stop();
    await this.server.stop();
    if (this.clientStrategy.pendingCount() !== 0 || this.serverStrategy.pendingCount() !== 0) {
      throw new Error(`${this.strategyName}: operations still pending after stop()`);
    }
  }

  private wakeSessionWaiters(): void {
    for (const waiter of [...this.sessionWaiters]) {
      if (this.serverSessions.length < waiter.count) continue;
      this.sessionWaiters.splice(this.sessionWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}
