import {
  DWORD, STATUS_PENDING, WSA_INFINITE, WSA_IO_INCOMPLETE, WSA_MAXIMUM_WAIT_EVENTS, WSA_WAIT_FAILED, WSAGetLastError,
  WSAGetOverlappedResult, WSAResetEvent, WSASetEvent, WSAWaitForMultipleEventsAsync, winsockError,
  type SOCKET, type WSAEVENT,
} from '@overlapped/winsock-native';
import type { EventPool } from './event-pool.js';
import type { IoOperation } from './io-operation.js';

// Out-parameters of WSAGetOverlappedResult, shared: they are read right after each call.
const transferred = new DWORD();
const resultFlags = new DWORD();

/**
 * Up to 63 operations whose events are awaited together by one WSAWaitForMultipleEventsAsync (the 64th slot,
 * index 0, is the group's wake event: setting it makes a wait in progress start over with a changed set).
 * The group's loop runs while it holds operations and ends when it is empty, so an idle group keeps
 * nothing alive.
 */
export class EventWaitGroup {
  static readonly CAPACITY = WSA_MAXIMUM_WAIT_EVENTS - 1;
  /** Wake-ups after which the group lets the event loop run once. */
  static readonly WAKES_PER_YIELD = 16;

  // events[0] is the wake event; events[i + 1] belongs to ops[i] on sockets[i]. Kept dense (swap-remove)
  // so the array is handed to the wait as it is.
  private readonly events: WSAEVENT[];
  private readonly ops: IoOperation[] = [];
  private readonly sockets: SOCKET[] = [];
  private running = false;
  private waiting = false;
  private wakeSignalled = false;

  constructor(
    private readonly pool: EventPool,
    private readonly onCompleted: (op: IoOperation, error: number, bytes: number) => void,
    private readonly onEmpty: (group: EventWaitGroup) => void,
  ) {
    const wake = pool.take();
    WSAResetEvent(wake);
    this.events = [wake];
  }

  get hasRoom(): boolean {
    return this.ops.length < EventWaitGroup.CAPACITY;
  }

  /** True while the group sits in its wait, i.e. adding to it costs a wake-up. */
  get isWaiting(): boolean {
    return this.waiting;
  }

  /** `op.hEvent` must already be set and the operation started. */
  add(socket: SOCKET, op: IoOperation): void {
    this.ops.push(op);
    this.sockets.push(socket);
    this.events.push(op.hEvent);
    if (!this.running) {
      void this.run();
    } else if (this.waiting && !this.wakeSignalled) {
      this.wakeSignalled = true;
      WSASetEvent(this.events[0]!);
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    let wakes = 0;
    while (this.ops.length > 0) {
      // A wait whose event is already set resolves at once, as on Windows; a group kept busy by immediate
      // completions would then loop on promise reactions alone and starve the event loop (timers, I/O).
      if (++wakes % EventWaitGroup.WAKES_PER_YIELD === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      this.waiting = true;
      const result = await WSAWaitForMultipleEventsAsync(this.events.length, this.events, false, WSA_INFINITE, false);
      this.waiting = false;
      // A failed wait means a handle in the set is bad: a bug, not a network condition; surface it loudly.
      if (result === WSA_WAIT_FAILED) throw winsockError('WSAWaitForMultipleEvents');
      if (this.wakeSignalled) {
        this.wakeSignalled = false;
        WSAResetEvent(this.events[0]!);
      }
      this.dispatchCompleted();
    }
    this.running = false;
    this.pool.give(this.events[0]!);
    this.onEmpty(this);
  }

  /**
   * The wait reports only the lowest signalled index, so every operation of the group is polled: a busy
   * low slot can never starve the others. Walking backwards makes swap-removal safe, and operations that
   * completion handlers add meanwhile land past the cursor, to be seen after the next wait.
   * `Internal` still reading STATUS_PENDING (Windows' HasOverlappedIoCompleted) skips an operation at a third
   * of the cost of asking WSAGetOverlappedResult, which then reports the outcome of the finished ones.
   */
  private dispatchCompleted(): void {
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const op = this.ops[i]!;
      if (op.Internal === STATUS_PENDING) continue;
      let error = 0;
      if (!WSAGetOverlappedResult(this.sockets[i]!, op, transferred, false, resultFlags)) {
        error = WSAGetLastError();
        if (error === WSA_IO_INCOMPLETE) continue;
      }
      const bytes = error === 0 ? transferred.value : 0;
      this.removeAt(i);
      this.pool.give(op.hEvent);
      this.onCompleted(op, error, bytes);
    }
  }

  private removeAt(index: number): void {
    const last = this.ops.length - 1;
    this.ops[index] = this.ops[last]!;
    this.sockets[index] = this.sockets[last]!;
    this.events[index + 1] = this.events[last + 1]!;
    this.ops.pop();
    this.sockets.pop();
    this.events.pop();
  }
}
