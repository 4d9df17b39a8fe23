import { SOCKET_ERROR, WSA_IO_PENDING, WSAGetLastError, closesocket, type SOCKET } from '@overlapped/winsock-native';
import type { CompletionStrategy } from './completion-strategy.js';
import { connectSocket, type ConnectOptions } from './connector.js';
import type { Endpoint } from './endpoint.js';
import { EventSelectListener } from './event-select-listener.js';
import type { IoOperation } from './io-operation.js';
import type { ListenOptions, Listener, ListenerHandlers } from './listener.js';
import { startRecv, startSend, type StartOverlapped } from './start-overlapped.js';

/** A start's result for a strategy whose every started operation is announced: 0, or the start's error. */
export const announced = (result: number): number => (result === WSA_IO_PENDING ? 0 : result);

/**
 * What every strategy shares: counting operations in flight, waiting for them to drain, and delivering a
 * failure to start through the same `complete` path as any other completion (asynchronously, so callers never
 * see `complete` re-entered from inside their own `recv`/`send` call). A subclass only decides how an
 * operation is started and how its completion is learned.
 */
export abstract class OverlappedStrategy implements CompletionStrategy {
  abstract readonly name: string;
  onError: ((error: Error) => void) | null = null;
  private pending = 0;
  private drainWaiters: Array<() => void> = [];

  recv(socket: SOCKET, op: IoOperation): void {
    this.start(socket, op, startRecv);
  }

  send(socket: SOCKET, op: IoOperation): void {
    this.start(socket, op, startSend);
  }

  /** Accepting with FD_ACCEPT and accept(): the strategy learns of nothing until the socket is a session's. */
  listen(endpoint: Endpoint, handlers: ListenerHandlers, _options?: ListenOptions): Listener {
    return EventSelectListener.open(endpoint, handlers);
  }

  connect(endpoint: Endpoint, options: ConnectOptions): Promise<SOCKET> {
    return connectSocket(endpoint, options);
  }

  /** closesocket: the pending operations complete as aborted through the strategy's own path. */
  disconnect(socket: SOCKET, op: IoOperation): void {
    this.countStarted();
    const error = closesocket(socket) === SOCKET_ERROR ? WSAGetLastError() : 0;
    queueMicrotask(() => this.completed(op, error, 0));
  }

  pendingCount(): number {
    return this.pending;
  }

  async close(): Promise<void> {
    if (this.pending > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    this.releaseResources();
  }

  /** Starts `op` the strategy's way; returns 0 if its completion will be announced, else the Winsock error. */
  protected abstract issue(socket: SOCKET, op: IoOperation, start: StartOverlapped): number;

  /** Frees what the strategy holds between bursts of work (event handles); called once drained. */
  protected releaseResources(): void {}

  /** Subclasses call this once per announced completion. */
  protected completed(op: IoOperation, error: number, bytes: number): void {
    this.pending--;
    try {
      op.complete(error, bytes);
    } finally {
      if (this.pending === 0 && this.drainWaiters.length > 0) this.wakeDrainWaiters();
    }
  }

  /** An operation that `completed` will be called for was started. */
  protected countStarted(): void {
    this.pending++;
  }

  private start(socket: SOCKET, op: IoOperation, start: StartOverlapped): void {
    this.countStarted();
    const error = this.issue(socket, op, start);
    if (error !== 0) queueMicrotask(() => this.completed(op, error, 0));
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
