import {
  FD_ACCEPT, FD_ACCEPT_BIT, INT, INVALID_SOCKET, SOCKADDR_IN, SOCKET_ERROR, SOL_SOCKET, SO_REUSEADDR, SOMAXCONN,
  WSA_INVALID_EVENT, WSA_WAIT_FAILED, WSA_WAIT_TIMEOUT, WSACloseEvent, WSACreateEvent, WSAEnumNetworkEvents,
  WSAEventSelect, WSAEWOULDBLOCK, WSAGetLastError, WSANETWORKEVENTS, WSASetEvent, WSAWaitForMultipleEventsAsync,
  accept, bind, closesocket, getsockname, listen, winsockError, type SOCKET, type WSAEVENT,
} from '@overlapped/winsock-native';
import { SOCKADDR_IN_SIZE, fromSockaddr, toSockaddr, type Endpoint } from './endpoint.js';
import type { Listener, ListenerHandlers } from './listener.js';
import { openOverlappedTcpSocket, setNonBlocking, setSocketOption, withSocket } from './tcp-socket.js';

/**
 * How long the accept loop waits for FD_ACCEPT before it tries accept() anyway. Windows re-enables FD_ACCEPT on
 * every accept() call, even one that fails with WSAEWOULDBLOCK, so there the event never goes missing. Wine
 * (server/sock.c) re-enables it only on a successful accept: when it records FD_ACCEPT for a connection this
 * loop has already taken, the next accept() fails, the record stays, and no later connection signals the event
 * again. Seen under Wine 8 as up to 15 of a burst of 20 connections left in the backlog; the retry bounds that
 * to this delay and costs one failed accept() per idle interval.
 */
const ACCEPT_RECHECK_MS = 250;

/**
 * The event and callback strategies' listener: a non-blocking listening socket whose FD_ACCEPT signals an
 * event; an async wait on that event wakes the accept loop, which accepts until WSAEWOULDBLOCK so one wake-up
 * serves a whole burst of connections (and tries again every ACCEPT_RECHECK_MS, for Wine's sake).
 */
export class EventSelectListener implements Listener {
  private closing = false;
  private readonly acceptLoop: Promise<void>;
  private readonly networkEvents = new WSANETWORKEVENTS();
  private readonly peer = new SOCKADDR_IN();
  private readonly peerLength = new INT();

  private constructor(
    private readonly socket: SOCKET,
    private readonly event: WSAEVENT,
    readonly endpoint: Endpoint,
    private readonly handlers: ListenerHandlers,
  ) {
    this.acceptLoop = this.runAcceptLoop();
  }

  /** Binds (port 0 picks a free port: read `endpoint`), listens and starts accepting. */
  static open(endpoint: Endpoint, handlers: ListenerHandlers): EventSelectListener {
    const address = toSockaddr(endpoint);
    return withSocket(openOverlappedTcpSocket(), (socket) => {
      setSocketOption(socket, SOL_SOCKET, SO_REUSEADDR, 1);
      if (bind(socket, address, SOCKADDR_IN_SIZE) === SOCKET_ERROR) throw winsockError('bind');
      if (listen(socket, SOMAXCONN) === SOCKET_ERROR) throw winsockError('listen');
      const bound = new SOCKADDR_IN();
      if (getsockname(socket, bound, new INT(SOCKADDR_IN_SIZE)) === SOCKET_ERROR) throw winsockError('getsockname');
      setNonBlocking(socket);
      const event = WSACreateEvent();
      if (event === WSA_INVALID_EVENT) throw winsockError('WSACreateEvent');
      if (WSAEventSelect(socket, event, FD_ACCEPT) === SOCKET_ERROR) {
        const error = winsockError('WSAEventSelect');
        WSACloseEvent(event);
        throw error;
      }
      return new EventSelectListener(socket, event, fromSockaddr(bound), handlers);
    });
  }

  /** Stops accepting and closes the socket and its event once the accept loop has left its wait. */
  async close(): Promise<void> {
    if (this.closing) return this.acceptLoop;
    this.closing = true;
    WSASetEvent(this.event);
    await this.acceptLoop;
    closesocket(this.socket);
    WSACloseEvent(this.event);
  }

  private async runAcceptLoop(): Promise<void> {
    const events = [this.event];
    while (!this.closing) {
      const result = await WSAWaitForMultipleEventsAsync(1, events, false, ACCEPT_RECHECK_MS, false);
      if (this.closing) return;
      if (result === WSA_WAIT_FAILED) {
        this.handlers.onError(winsockError('WSAWaitForMultipleEvents'));
        return;
      }
      if (result === WSA_WAIT_TIMEOUT) {
        this.acceptAll();
        continue;
      }
      // Read and clear the network events (this resets the event) before accepting, so a connection that
      // arrives during the accept burst signals the event again instead of being missed.
      if (WSAEnumNetworkEvents(this.socket, this.event, this.networkEvents) === SOCKET_ERROR) {
        this.handlers.onError(winsockError('WSAEnumNetworkEvents'));
        return;
      }
      const acceptError = this.networkEvents.iErrorCode[FD_ACCEPT_BIT] ?? 0;
      if ((this.networkEvents.lNetworkEvents & FD_ACCEPT) !== 0 && acceptError !== 0) {
        this.handlers.onError(winsockError('accept', acceptError));
      }
      this.acceptAll();
    }
  }

  private acceptAll(): void {
    for (;;) {
      this.peerLength.value = SOCKADDR_IN_SIZE;
      const client = accept(this.socket, this.peer, this.peerLength);
      if (client === INVALID_SOCKET) {
        const error = WSAGetLastError();
        if (error !== WSAEWOULDBLOCK) this.handlers.onError(winsockError('accept', error));
        return;
      }
      // An accepted socket inherits the listener's event selection; overlapped I/O on it must not signal
      // the listener's event.
      if (WSAEventSelect(client, WSA_INVALID_EVENT, 0) === SOCKET_ERROR) {
        this.handlers.onError(winsockError('WSAEventSelect'));
        closesocket(client);
        continue;
      }
      this.handlers.onAccept(client, fromSockaddr(this.peer));
    }
  }
}
