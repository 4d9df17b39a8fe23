import {
  WSA_INVALID_EVENT, WSACloseEvent, WSACreateEvent, winsockError, type WSAEVENT,
} from '@overlapped/winsock-native';

/**
 * Recycles WSAEVENT handles: every operation in flight needs one, and creating and closing a kernel event per
 * operation would cost two calls per message. Handles come back possibly signalled; that is harmless because
 * starting an overlapped operation resets its hEvent, and whoever reuses one for anything else resets it.
 */
export class EventPool {
  private readonly free: WSAEVENT[] = [];

  take(): WSAEVENT {
    const event = this.free.pop() ?? WSACreateEvent();
    if (event === WSA_INVALID_EVENT) throw winsockError('WSACreateEvent');
    return event;
  }

  give(event: WSAEVENT): void {
    this.free.push(event);
  }

  /** Closes every pooled handle; the pool creates fresh ones if it is used again. */
  close(): void {
    for (const event of this.free) WSACloseEvent(event);
    this.free.length = 0;
  }
}
