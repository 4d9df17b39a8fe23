import {
  AcceptEx, DWORD, GetAcceptExSockaddrs, INT, SOCKADDR_IN, SOCKET_ERROR, SOL_SOCKET, SO_REUSEADDR,
  SO_UPDATE_ACCEPT_CONTEXT, SOMAXCONN, WSA_IO_PENDING, WSA_OPERATION_ABORTED, WSAGetLastError, bind, closesocket,
  getsockname, listen, setsockopt, winsockError, type SOCKET,
} from '@overlapped/winsock-native';
import { SOCKADDR_IN_SIZE, fromSockaddr, toSockaddr, type Endpoint } from './endpoint.js';
import { IocpEvent, type IocpObject } from './iocp-event.js';
import type { IocpStrategy } from './iocp-strategy.js';
import type { Listener, ListenerHandlers } from './listener.js';
import { setSocketOption, withSocket } from './tcp-socket.js';

/** Each AcceptEx address slot: sizeof(SOCKADDR_IN) + 16, as AcceptEx asks. */
const ADDRESS_SLOT = SOCKADDR_IN_SIZE + 16;

/** One posted AcceptEx: its event, its output buffer (the two addresses) and the socket that becomes the session's. */
class AcceptEvent extends IocpEvent {
  readonly output = Buffer.alloc(2 * ADDRESS_SLOT);
  acceptSocket: SOCKET = 0;
}

/**
 * The lessons' Listener on a completion port: a listening socket registered with the strategy's port and
 * `acceptCount` AcceptEx calls kept posted (each re-posted as soon as it completes). Connections beyond that
 * wait in the kernel's backlog until an AcceptEx is free again. An accept socket is a fresh one, or one a
 * DisconnectEx(TF_REUSE_SOCKET) gave back.
 */
export class AcceptExListener implements Listener, IocpObject {
  static readonly DEFAULT_ACCEPT_COUNT = 16;
  /** Resolves once closed: every AcceptEx has completed. */
  readonly closed: Promise<void>;
  private closing = false;
  private posted = 0;
  private resolveClosed!: () => void;
  private readonly bytes = new DWORD();
  private readonly local = new SOCKADDR_IN();
  private readonly remote = new SOCKADDR_IN();
  private readonly localLength = new INT();
  private readonly remoteLength = new INT();

  private constructor(
    private readonly strategy: IocpStrategy,
    private readonly socket: SOCKET,
    readonly endpoint: Endpoint,
    private readonly handlers: ListenerHandlers,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  static open(strategy: IocpStrategy, endpoint: Endpoint, handlers: ListenerHandlers, acceptCount: number): AcceptExListener {
    if (!Number.isInteger(acceptCount) || acceptCount < 1) {
      throw new RangeError(`acceptCount must be a whole number of at least 1, got ${acceptCount}`);
    }
    const address = toSockaddr(endpoint);
    const listener = withSocket(strategy.openSocket(), (socket) => {
      setSocketOption(socket, SOL_SOCKET, SO_REUSEADDR, 1);
      if (bind(socket, address, SOCKADDR_IN_SIZE) === SOCKET_ERROR) throw winsockError('bind');
      if (listen(socket, SOMAXCONN) === SOCKET_ERROR) throw winsockError('listen');
      const bound = new SOCKADDR_IN();
      if (getsockname(socket, bound, new INT(SOCKADDR_IN_SIZE)) === SOCKET_ERROR) throw winsockError('getsockname');
      return new AcceptExListener(strategy, socket, fromSockaddr(bound), handlers);
    });
    for (let i = 0; i < acceptCount; i++) listener.post(new AcceptEvent('Accept', listener));
    return listener;
  }

  /** Closes the listening socket: the posted AcceptEx calls complete as aborted, then it resolves. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      closesocket(this.socket);
      if (this.posted === 0) this.resolveClosed();
    }
    return this.closed;
  }

  dispatch(iocpEvent: IocpEvent, error: number): void {
    const event = iocpEvent as AcceptEvent;
    this.posted--;
    const accepted = event.acceptSocket;
    if (this.closing) {
      closesocket(accepted);
      if (this.posted === 0) this.resolveClosed();
      return;
    }
    if (error !== 0) {
      closesocket(accepted);
      if (this.strategy.broken) return; // the port is gone (reported by the strategy): nothing would complete
      if (error !== WSA_OPERATION_ABORTED) this.handlers.onError(winsockError('AcceptEx', error));
    } else if (setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, this.socket, 8) === SOCKET_ERROR) {
      this.handlers.onError(winsockError('setsockopt(SO_UPDATE_ACCEPT_CONTEXT)'));
      closesocket(accepted);
    } else {
      GetAcceptExSockaddrs(event.output, 0, ADDRESS_SLOT, ADDRESS_SLOT, this.local, this.localLength, this.remote, this.remoteLength);
      this.handlers.onAccept(accepted, fromSockaddr(this.remote));
    }
    this.post(event);
  }

  /** Posts `event`'s AcceptEx; a failure to post is reported and that slot stays empty. */
  private post(event: AcceptEvent): void {
    let socket: SOCKET;
    try {
      socket = this.strategy.takeReusable() ?? this.strategy.openSocket();
    } catch (error) {
      this.handlers.onError(error as Error);
      return;
    }
    event.acceptSocket = socket;
    const done = AcceptEx(this.socket, socket, event.output, 0, ADDRESS_SLOT, ADDRESS_SLOT, this.bytes, event);
    if (!done && WSAGetLastError() !== WSA_IO_PENDING) {
      const error = winsockError('AcceptEx');
      closesocket(socket);
      this.handlers.onError(error);
      return;
    }
    this.posted++;
    this.strategy.started(event, done);
  }
}
