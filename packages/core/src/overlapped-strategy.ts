import type { SOCKET } from '@overlapped/winsock-native';
import type { CompletionStrategy } from './completion-strategy.js';
import type { IoOperation } from './io-operation.js';
import { startRecv, startSend, type StartOverlapped } from './start-overlapped.js';

/**
 * What every strategy shares: counting operations in flight, waiting for them to drain, and delivering a
 * failure to start through the same `complete` path as any other completion (asynchronously, so callers never
 * see `complete` re-entered from inside their own `recv`/`send` call). A subclass only decides how an
 * operation is started and how its completion is learned.
 */
export abstract class OverlappedStrategy implements CompletionStrategy {
  abstract readonly name: string;
  private pending = 0;
  private drainWaiters: Array<() => void> = [];

  recv(socket: SOCKET, op: IoOperation): void {
    this.start(socket, op, startRecv);
  }

  send(socket: SOCKET, op: IoOperation): void {
    this.start(socket, op, startSend);
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

  private start(socket: SOCKET, op: IoOperation, start: StartOverlapped): void {
    this.pending++;
    const error = this.issue(socket, op, start);
    if (error !== 0) queueMicrotask(() => this.completed(op, error, 0));
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }
}
