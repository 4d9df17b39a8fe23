import {
  CancelIoEx, DisconnectEx, INFINITE, SOCKET_ERROR, TF_REUSE_SOCKET, WSA_IO_PENDING, WSA_OPERATION_ABORTED, WSAGetLastError,
  closesocket, type SOCKET,
} from '@overlapped/winsock-native';
import { AcceptExListener } from './acceptex-listener.js';
import { connectWithRetry, type ConnectOptions } from './connector.js';
import { connectEx } from './connectex.js';
import type { Endpoint } from './endpoint.js';
import { IocpCore } from './iocp-core.js';
import type { IoOperation } from './io-operation.js';
import type { ListenOptions, Listener, ListenerHandlers } from './listener.js';
import { OverlappedStrategy } from './overlapped-strategy.js';
import { OwedOperations } from './owed-operations.js';
import { immediateBytes, type StartOverlapped } from './start-overlapped.js';
import { openOverlappedTcpSocket, withSocket } from './tcp-socket.js';

/** Disconnected sockets kept for reuse, per AcceptEx a listener keeps posted. */
const REUSE_PER_ACCEPT = 2;
/** Immediate completions handled per microtask; the rest wait for the next turn, so I/O is never starved. */
const READY_PER_TURN = 256;

/**
 * Whose an operation is: a session's (counted: close() waits for it), a session's disconnect (counted, and its
 * socket may be reused), or the listener's / a connect's.
 */
const COUNTED = 1;
const DISCONNECT = 2;
const UNCOUNTED = 3;

/**
 * Completions from one completion port per strategy (IocpCore), drained in batches of up to 128 by one
 * dispatch loop that runs while anything is owed a packet. Accepting, connecting and disconnecting are
 * overlapped operations too: the strategy's Listener keeps AcceptEx calls posted, connect uses ConnectEx, and a
 * disconnect is DisconnectEx(TF_REUSE_SOCKET), after which the socket serves a later AcceptEx. An operation
 * that completes at once is handled from a microtask (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS): no packet, no
 * dequeue. The strategy serves the sockets it made itself (listen, connect): those are registered with its port.
 */
export class IocpStrategy extends OverlappedStrategy {
  readonly name = 'iocp';
  private port: IocpCore | null = null;
  /** Operations owed a packet, and whose they are. */
  private readonly owed = new OwedOperations();
  /** Disconnects in flight, with the socket each leaves for reuse. */
  private readonly disconnecting = new Map<IoOperation, SOCKET>();
  private dispatching = false;
  private portGone = false;
  /** Immediate completions not handled yet: the operations, and (error, bytes, whose) for each. */
  private readonly readyOps: (IoOperation | undefined)[] = [];
  private readonly readyResults: number[] = [];
  private readyHead = 0;
  private readyTail = 0;
  private readyScheduled = false;
  private readonly reusable: SOCKET[] = [];
  private listeners = 0;
  private reuseLimit = 0;

  /** The strategy's completion port, made on first use. */
  get core(): IocpCore {
    this.port ??= new IocpCore();
    return this.port;
  }

  override listen(endpoint: Endpoint, handlers: ListenerHandlers, options?: ListenOptions): Listener {
    const acceptCount = options?.acceptCount ?? AcceptExListener.DEFAULT_ACCEPT_COUNT;
    const listener = AcceptExListener.open(this, endpoint, handlers, acceptCount);
    this.listeners++;
    this.reuseLimit += acceptCount * REUSE_PER_ACCEPT;
    void listener.closed.then(() => {
      this.listeners--;
      this.reuseLimit -= acceptCount * REUSE_PER_ACCEPT;
      if (this.listeners === 0) for (const socket of this.reusable.splice(0)) closesocket(socket);
    });
    return listener;
  }

  override connect(endpoint: Endpoint, options: ConnectOptions): Promise<SOCKET> {
    return connectWithRetry(endpoint, options, () => this.openSocket(), (socket, address, deadline) =>
      connectEx(this, socket, address, deadline));
  }

  /**
   * Cancels what is pending on the socket, then DisconnectEx(TF_REUSE_SOCKET) while a listener can take the
   * socket back; closesocket otherwise, or when the connection is gone already (a reset).
   */
  override disconnect(socket: SOCKET, op: IoOperation): void {
    this.countStarted();
    if (this.broken || this.listeners === 0 || this.reusable.length >= this.reuseLimit) {
      this.closeNow(socket, op);
      return;
    }
    CancelIoEx(socket, null); // FALSE with ERROR_NOT_FOUND when nothing is pending: nothing to do then
    const done = DisconnectEx(socket, op, TF_REUSE_SOCKET, 0);
    if (!done && WSAGetLastError() !== WSA_IO_PENDING) {
      this.closeNow(socket, op);
      return;
    }
    this.disconnecting.set(op, socket);
    if (done) this.completeSoon(op, 0, 0, DISCONNECT);
    else this.expectPacket(op, DISCONNECT);
  }

  /** The port was closed under the strategy: what it owed failed, and nothing new is started until it drains. */
  get broken(): boolean {
    return this.portGone;
  }

  /** A socket for this strategy: overlapped, registered with the port. */
  openSocket(): SOCKET {
    return withSocket(openOverlappedTcpSocket(), (socket) => {
      this.core.register(socket);
      return socket;
    });
  }

  /** A socket DisconnectEx left reusable (still registered), or null. */
  takeReusable(): SOCKET | null {
    return this.reusable.pop() ?? null;
  }

  /**
   * The result of an operation the listener or a connect started on one of this strategy's sockets: `done`
   * (its call returned TRUE: no packet follows), or `pending` (FALSE with ERROR_IO_PENDING). Its completion is
   * `op.complete`, from the strategy's loop.
   */
  started(op: IoOperation, done: boolean): void {
    if (done) this.completeSoon(op, 0, 0, UNCOUNTED);
    else this.expectPacket(op, UNCOUNTED);
  }

  protected issue(socket: SOCKET, op: IoOperation, start: StartOverlapped): number {
    if (this.broken) return WSA_OPERATION_ABORTED;
    const result = start(socket, op, null);
    if (result === 0) this.completeSoon(op, 0, immediateBytes(), COUNTED);
    else if (result === WSA_IO_PENDING) this.expectPacket(op, COUNTED);
    else return result;
    return 0;
  }

  protected override releaseResources(): void {
    if (this.owed.size > 0 || this.listeners > 0 || this.port === null) return;
    this.port.close();
    this.port = null;
    this.portGone = false;
  }

  private expectPacket(op: IoOperation, whose: number): void {
    if (this.broken) {
      this.completeSoon(op, WSA_OPERATION_ABORTED, 0, whose);
      return;
    }
    this.owed.add(op, whose);
    if (!this.dispatching) void this.runDispatch();
  }

  private readonly onPacket = (op: IoOperation, error: number, bytes: number): void => {
    const whose = this.owed.take(op);
    if (whose === 0) return; // not owed: cannot happen, every socket on the port is this strategy's
    this.finish(op, whose, error, bytes);
  };

  private finish(op: IoOperation, whose: number, error: number, bytes: number): void {
    if (whose === DISCONNECT) {
      const socket = this.disconnecting.get(op)!;
      this.disconnecting.delete(op);
      if (error === 0 && this.listeners > 0 && this.reusable.length < this.reuseLimit) this.reusable.push(socket);
      else closesocket(socket);
      this.completed(op, 0, 0);
    } else if (whose === COUNTED) {
      this.completed(op, error, bytes);
    } else {
      op.complete(error, bytes);
    }
  }

  /** Runs while any operation is owed a packet, so the process can exit once none is. */
  private async runDispatch(): Promise<void> {
    this.dispatching = true;
    const core = this.core;
    try {
      while (this.owed.size > 0) await core.dispatch(INFINITE, this.onPacket);
    } catch (error) {
      this.portLost(error as Error);
    } finally {
      this.dispatching = false;
    }
  }

  /** The port was closed under the strategy: nothing it owes will arrive, so it fails every owed operation. */
  private portLost(error: Error): void {
    this.portGone = true;
    for (const [op, whose] of this.owed.takeAll()) this.finish(op, whose, WSA_OPERATION_ABORTED, 0);
    this.onError?.(error);
  }

  private completeSoon(op: IoOperation, error: number, bytes: number, whose: number): void {
    const i = this.readyTail++;
    this.readyOps[i] = op;
    this.readyResults[3 * i] = error;
    this.readyResults[3 * i + 1] = bytes;
    this.readyResults[3 * i + 2] = whose;
    if (this.readyScheduled) return;
    this.readyScheduled = true;
    queueMicrotask(this.drainReady);
  }

  /** Immediate completions in order, outside the calls that started them (also those they start). */
  private readonly drainReady = (): void => {
    const { readyOps, readyResults } = this;
    for (let handled = 0; this.readyHead < this.readyTail && handled < READY_PER_TURN; handled++) {
      const i = this.readyHead++;
      const op = readyOps[i]!;
      readyOps[i] = undefined;
      this.finish(op, readyResults[3 * i + 2]!, readyResults[3 * i]!, readyResults[3 * i + 1]!);
    }
    if (this.readyHead < this.readyTail) {
      setImmediate(this.drainReady); // a long chain: the rest after the loop has polled for I/O
      return;
    }
    // Rewound, not truncated: the arrays keep their capacity for the next burst.
    this.readyHead = this.readyTail = 0;
    this.readyScheduled = false;
  };

  private closeNow(socket: SOCKET, op: IoOperation): void {
    const error = closesocket(socket) === SOCKET_ERROR ? WSAGetLastError() : 0;
    this.completeSoon(op, error, 0, COUNTED);
  }
}
