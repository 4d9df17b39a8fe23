import { closesocket } from '@overlapped/winsock-native';
import type { Session } from './session.js';
import { Service, type ServiceOptions } from './service.js';

export interface ClientServiceOptions extends ServiceOptions {
  /** How many sessions to connect. */
  count: number;
  /** Bound on connecting, retries included; default 10 s. */
  connectTimeoutMs?: number;
  /** Retry refused connections (the server may still be starting) until the timeout. */
  retry?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Connects `count` sessions to `endpoint` (the lecture's ClientService, e.g. a DummyClient). */
export class ClientService extends Service {
  private started = false;

  constructor(protected override readonly options: ClientServiceOptions) {
    super(options);
  }

  /**
   * Connects every session, then opens them all; if any connect fails, closes the others and rejects with
   * that WinsockError (WSAECONNREFUSED, WSAETIMEDOUT, ...).
   */
  async start(): Promise<Session[]> {
    if (this.started) throw new Error('ClientService.start: already started');
    this.acquireWinsock();
    this.started = true;
    const connectOptions = {
      timeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      retry: this.options.retry ?? false,
    };
    const attempts = await Promise.allSettled(
      Array.from({ length: this.options.count }, () => this.options.strategy.connect(this.options.endpoint, connectOptions)),
    );
    const failure = attempts.find((attempt) => attempt.status === 'rejected');
    if (failure) {
      for (const attempt of attempts) if (attempt.status === 'fulfilled') closesocket(attempt.value);
      this.started = false;
      this.releaseWinsock();
      throw failure.reason;
    }
    const sessions: Session[] = [];
    for (const attempt of attempts) {
      const session = this.openSession((attempt as PromiseFulfilledResult<number>).value, this.options.endpoint);
      if (session) sessions.push(session);
    }
    return sessions;
  }

  /** Disconnects every session and waits until every operation has drained. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.closeAll('local: service stopped');
    this.releaseWinsock();
  }
}
