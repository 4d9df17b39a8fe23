import { WSA_INVALID_EVENT, type SOCKET } from '@overlapped/winsock-native';
import { EventPool } from './event-pool.js';
import { EventWaitGroup } from './event-wait-group.js';
import type { IoOperation } from './io-operation.js';
import { OverlappedStrategy, announced } from './overlapped-strategy.js';
import type { StartOverlapped } from './start-overlapped.js';

/**
 * The lecture's event model: one WSAEVENT per outstanding operation, awaited with WSAWaitForMultipleEventsAsync.
 * A wait takes at most 64 events, so operations are spread over groups of at most 63 (plus a wake event) and
 * any number of sessions is served.
 */
export class EventStrategy extends OverlappedStrategy {
  readonly name = 'event';
  private readonly pool = new EventPool();
  private readonly groups: EventWaitGroup[] = [];
  private readonly onCompleted = (op: IoOperation, error: number, bytes: number): void =>
    this.completed(op, error, bytes);
  private readonly onGroupEmpty = (group: EventWaitGroup): void => {
    this.groups.splice(this.groups.indexOf(group), 1);
  };

  protected issue(socket: SOCKET, op: IoOperation, start: StartOverlapped): number {
    op.hEvent = this.pool.take();
    const error = announced(start(socket, op, null));
    if (error !== 0) {
      this.pool.give(op.hEvent);
      op.hEvent = WSA_INVALID_EVENT;
      return error;
    }
    this.groupWithRoom().add(socket, op);
    return 0;
  }

  protected override releaseResources(): void {
    this.pool.close();
  }

  /**
   * Prefers a group that is not waiting: that is the one dispatching right now (re-issues from completion
   * handlers land there), and it rebuilds its wait set anyway, so no wake-up is spent.
   */
  private groupWithRoom(): EventWaitGroup {
    let withRoom: EventWaitGroup | undefined;
    for (const group of this.groups) {
      if (!group.hasRoom) continue;
      if (!group.isWaiting) return group;
      withRoom ??= group;
    }
    if (withRoom) return withRoom;
    const group = new EventWaitGroup(this.pool, this.onCompleted, this.onGroupEmpty);
    this.groups.push(group);
    return group;
  }
}
