import { EventEmitter } from 'node:events';
import { closesocket, type SOCKET } from '@overlapped/winsock-native';
import { RecvBufferPools } from './buffer-pool.js';
import type { CompletionStrategy } from './completion-strategy.js';
import type { DisconnectReason } from './disconnect-reason.js';
import type { Endpoint } from './endpoint.js';
import type { Session } from './session.js';
import { setNoDelay } from './tcp-socket.js';
import { cleanupWinsock, startWinsock } from './winsock-startup.js';

export interface ServiceOptions {
  endpoint: Endpoint;
  /** One strategy per service: stop() waits for every operation the strategy has in flight. */
  strategy: CompletionStrategy;
  sessionFactory: () => Session;
  maxSessions?: number;
  /**
   * The largest a session's RecvBuffer grows to; default 64 KiB. Each starts at 1 KiB (a game server's messages
   * are small: the lecture's buffer is 1000 bytes) and doubles only when a message does not fit, so 10,000
   * sessions hold 10 MiB of receive buffers, not 640.
   */
  recvBufferSize?: number;
  /** IOCP: how many AcceptEx calls the listener keeps posted (default 16). The other strategies accept() a burst. */
  acceptCount?: number;
}

const DEFAULT_RECV_BUFFER_SIZE = 64 * 1024;

/**
 * What the server and client services share (the lecture's Service): the live sessions, opening a session
 * on a connected socket, broadcast, and the orderly stop that waits for every session to be released.
 * Emits 'session' (a session was opened) and 'error' (WinsockError or an error thrown by a session hook).
 */
export abstract class Service extends EventEmitter {
  private readonly live = new Set<Session>();
  private readonly recvBuffers: RecvBufferPools;
  // Shared by every session's binding: no closures per session.
  private readonly sessionReleased = (session: Session): void => {
    this.live.delete(session);
  };
  private readonly sessionError = (error: Error): void => this.report(error);
  private winsockStarted = false;

  constructor(protected readonly options: ServiceOptions) {
    super();
    this.recvBuffers = new RecvBufferPools(options.recvBufferSize ?? DEFAULT_RECV_BUFFER_SIZE);
    options.strategy.onError = (error) => this.report(error);
  }

  /** Sessions opened and not yet released. */
  get sessionCount(): number {
    return this.live.size;
  }

  sessions(): Iterable<Session> {
    return this.live.values();
  }

  /** Queues the same buffer (not copied) on every connected session. */
  broadcast(data: Buffer): void {
    for (const session of this.live) session.send(data);
  }

  abstract stop(): Promise<void>;

  protected acquireWinsock(): void {
    if (this.winsockStarted) return;
    startWinsock();
    this.winsockStarted = true;
  }

  protected releaseWinsock(): void {
    if (!this.winsockStarted) return;
    this.winsockStarted = false;
    cleanupWinsock();
  }

  protected openSession(socket: SOCKET, remote: Endpoint | null): Session | null {
    try {
      setNoDelay(socket);
    } catch (error) {
      closesocket(socket);
      this.report(error as Error);
      return null;
    }
    const session = this.options.sessionFactory();
    this.live.add(session);
    session.open({
      socket,
      remote,
      strategy: this.options.strategy,
      recvBuffers: this.recvBuffers,
      onReleased: this.sessionReleased,
      onError: this.sessionError,
    });
    this.emit('session', session);
    return session;
  }

  /** Disconnects every session, waits until each is released, then until the strategy has drained. */
  protected async closeAll(reason: DisconnectReason): Promise<void> {
    const closing = [...this.live].map((session) => {
      session.disconnect(reason);
      return session.closed;
    });
    await Promise.all(closing);
    await this.options.strategy.close();
  }

  /**
   * Errors surface on the next tick: they are found inside completion loops that serve every session, and
   * an 'error' without a listener throws (Node's rule), which must crash the process, not a loop.
   */
  protected report(error: Error): void {
    process.nextTick(() => this.emit('error', error));
  }
}
