import { INVALID_SOCKET, WSABUF, winsockError, type SOCKET } from '@overlapped/winsock-native';
import type { RecvBufferPools } from './buffer-pool.js';
import type { CompletionStrategy } from './completion-strategy.js';
import { CLOSED_BY_PEER, RECV_BUFFER_OVERFLOW, reasonForError, type DisconnectReason } from './disconnect-reason.js';
import type { Endpoint } from './endpoint.js';
import { RecvBuffer } from './recv-buffer.js';
import { SendQueue } from './send-queue.js';
import { SessionOperation } from './session-operation.js';

/** What a service hands a session when it opens it. */
export interface SessionBinding {
  socket: SOCKET;
  remote: Endpoint | null;
  strategy: CompletionStrategy;
  /** Where the session's RecvBuffer storage comes from (and goes back to), in growing size classes. */
  recvBuffers: RecvBufferPools;
  /** Called once, when the session is released (every pending operation has completed). */
  onReleased(session: Session): void;
  /** Errors that belong to no disconnect reason (a hook that threw, a failed closesocket). */
  onError(error: Error): void;
}

type SessionState = 'idle' | 'connected' | 'disconnected' | 'released';

let lastSessionId = 0;

/**
 * One connection (the lecture's ServerCore Session). Subclasses override the hooks; the session keeps one
 * receive always posted and one gathered send at most in flight, and is released only after both have
 * completed, so no operation ever outlives the session that owns its buffers.
 */
export class Session {
  readonly id = ++lastSessionId;
  /** Resolves with the disconnect reason once the session is released. */
  readonly closed: Promise<DisconnectReason>;

  private state: SessionState = 'idle';
  private binding: SessionBinding | null = null;
  private recvBuffer: RecvBuffer | null = null;
  private readonly recvOp = new SessionOperation((error, bytes) => this.recvCompleted(error, bytes));
  private readonly sendOp = new SessionOperation((error, bytes) => this.sendCompleted(error, bytes));
  private readonly disconnectOp = new SessionOperation((error) => this.disconnectCompleted(error));
  private readonly sendQueue = new SendQueue();
  private sending = false;
  private pendingOps = 0;
  private reason: DisconnectReason = '';
  private resolveClosed!: (reason: DisconnectReason) => void;

  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.recvOp.buffers = [new WSABUF()];
    this.recvOp.bufferCount = 1;
  }

  get socket(): SOCKET {
    return this.binding?.socket ?? INVALID_SOCKET;
  }

  get remote(): Endpoint | null {
    return this.binding?.remote ?? null;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Queues `data` (by reference: do not change it until sent). Ignored once disconnected. */
  send(data: Buffer): void {
    if (this.state !== 'connected') return;
    this.sendQueue.push(data);
    if (!this.sending) this.postSend();
  }

  /**
   * Closes the connection through the strategy (closesocket, or DisconnectEx with socket reuse on a completion
   * port); pending operations complete as aborted and are drained before release.
   */
  disconnect(reason: DisconnectReason): void {
    if (this.state !== 'connected') return;
    this.state = 'disconnected';
    this.reason = reason;
    this.pendingOps++;
    this.binding!.strategy.disconnect(this.binding!.socket, this.disconnectOp);
    this.callHook('onDisconnected', () => this.onDisconnected(reason));
  }

  /** @internal Called by the service that accepted or connected `binding.socket`. */
  open(binding: SessionBinding): void {
    if (this.state !== 'idle') throw new Error(`Session ${this.id} was already opened`);
    this.binding = binding;
    this.recvBuffer = new RecvBuffer(binding.recvBuffers.take(binding.recvBuffers.initialSize));
    this.state = 'connected';
    this.callHook('onConnected', () => this.onConnected());
    if (this.state === 'connected') this.postRecv();
  }

  protected onConnected(): void {}

  /** Returns how many bytes of `buffer` were consumed; the rest stays for the next call. */
  protected onRecv(buffer: Buffer): number {
    return buffer.length;
  }

  protected onSend(_bytes: number): void {}

  /** Called exactly once; no hook runs after it. */
  protected onDisconnected(_reason: DisconnectReason): void {}

  private postRecv(): void {
    const space = this.recvBuffer!.writeSegment();
    const wsaBuf = this.recvOp.buffers[0]!;
    wsaBuf.buf = space;
    wsaBuf.len = space.length;
    this.pendingOps++;
    this.binding!.strategy.recv(this.binding!.socket, this.recvOp);
  }

  private postSend(): void {
    this.sendOp.bufferCount = this.sendQueue.fillBatch(this.sendOp.buffers);
    this.sending = true;
    this.pendingOps++;
    this.binding!.strategy.send(this.binding!.socket, this.sendOp);
  }

  private recvCompleted(error: number, bytes: number): void {
    this.pendingOps--;
    if (this.state === 'connected') {
      if (error !== 0) this.disconnect(reasonForError('WSARecv', error));
      else if (bytes === 0) this.disconnect(CLOSED_BY_PEER);
      else this.received(bytes);
    }
    this.releaseIfDrained();
  }

  private received(bytes: number): void {
    const buffer = this.recvBuffer!;
    buffer.onWrite(bytes);
    const available = buffer.dataSize;
    const consumed = this.callHook('onRecv', () => this.onRecv(buffer.readSegment()));
    if (this.state !== 'connected') return;
    if (!buffer.onRead(consumed as number)) {
      this.disconnect(`local: onRecv returned ${String(consumed)}, expected an integer in 0..${available}`);
      return;
    }
    buffer.clean();
    // Full after compaction means nothing was consumed from a full buffer: the message in it is larger than
    // the buffer. It grows (no receive is posted now) up to the service's recvBufferSize; past that no receive
    // could ever progress.
    if (buffer.freeSize === 0 && !this.growRecvBuffer()) this.disconnect(RECV_BUFFER_OVERFLOW);
    else this.postRecv();
  }

  private growRecvBuffer(): boolean {
    const pools = this.binding!.recvBuffers;
    const size = pools.grownSize(this.recvBuffer!.capacity);
    if (size === 0) return false;
    pools.give(this.recvBuffer!.replaceStorage(pools.take(size)));
    return true;
  }

  private sendCompleted(error: number, bytes: number): void {
    this.pendingOps--;
    this.sending = false;
    if (this.state === 'connected') {
      if (error !== 0) {
        this.disconnect(reasonForError('WSASend', error));
      } else {
        this.sendQueue.acknowledge(bytes);
        this.callHook('onSend', () => this.onSend(bytes));
        if (this.state === 'connected' && !this.sendQueue.isEmpty) this.postSend();
      }
    }
    this.releaseIfDrained();
  }

  private disconnectCompleted(error: number): void {
    this.pendingOps--;
    if (error !== 0) this.binding!.onError(winsockError('closesocket', error));
    this.releaseIfDrained();
  }

  private releaseIfDrained(): void {
    if (this.state !== 'disconnected' || this.pendingOps > 0) return;
    this.state = 'released';
    this.sendQueue.clear();
    // Every operation has completed: nothing can write into the receive buffer any more.
    this.binding!.recvBuffers.give(this.recvBuffer!.storage);
    this.recvBuffer = null;
    this.binding!.onReleased(this);
    this.resolveClosed(this.reason);
  }

  /**
   * Hooks run inside a strategy's completion loop, which serves every other session too: a hook that throws
   * ends its own session (with the error in the reason) and is reported, but never breaks the loop.
   */
  private callHook<T>(name: string, hook: () => T): T | undefined {
    try {
      return hook();
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.binding!.onError(error);
      this.disconnect(`local: ${name} threw: ${error.message}`);
      return undefined;
    }
  }
}
