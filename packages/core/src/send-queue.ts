import { WSABUF } from '@overlapped/winsock-native';

const EMPTY = Buffer.alloc(0);

/**
 * Buffers waiting to go out on one socket, drained by one gathered WSASend at a time. The batch in flight is
 * always the head of the queue, so a completion acknowledges bytes from the head: whatever a partial
 * completion left unsent stays at the head (as a view past the sent bytes) and is the first thing the next
 * batch carries. Order is preserved by construction, and the WSABUF objects are reused from batch to batch.
 * Neither array's length is ever set on the per-message path (a length store is a runtime call in V8): the
 * queue is a window [head, tail) over an array that keeps its size, and a batch is a prefix of its target.
 */
export class SendQueue {
  /** Buffers per WSASend: enough to batch a burst, few enough for any gather limit (IOV_MAX is 1024). */
  static readonly MAX_GATHER = 64;

  private readonly queue: Buffer[] = [];
  private head = 0;
  private tail = 0;
  private headSent = 0;
  private bytes = 0;
  private readonly slots: WSABUF[] = [];

  get isEmpty(): boolean {
    return this.head === this.tail;
  }

  /** Bytes queued and not yet acknowledged, including those of the batch in flight. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Queues `data` by reference: it must not change until sent. */
  push(data: Buffer): void {
    if (data.length === 0) return;
    this.queue[this.tail++] = data;
    this.bytes += data.length;
  }

  /**
   * Fills the start of `target` with the next batch (the head of the queue) and returns how many WSABUFs that
   * is: the dwBufferCount of the WSASend. Entries past them are left as they were.
   */
  fillBatch(target: WSABUF[]): number {
    const count = Math.min(this.tail - this.head, SendQueue.MAX_GATHER);
    for (let i = 0; i < count; i++) {
      const slot = (this.slots[i] ??= new WSABUF());
      const data = this.queue[this.head + i]!;
      slot.buf = i === 0 && this.headSent > 0 ? data.subarray(this.headSent) : data;
      slot.len = slot.buf.length;
      target[i] = slot;
    }
    return count;
  }

  /** Drops `sent` bytes from the head: the part of the last batch that reached the socket. */
  acknowledge(sent: number): void {
    this.bytes -= sent;
    while (sent > 0) {
      const unsent = this.queue[this.head]!.length - this.headSent;
      if (sent < unsent) {
        this.headSent += sent;
        return;
      }
      sent -= unsent;
      this.queue[this.head++] = EMPTY;
      this.headSent = 0;
    }
    this.compact();
  }

  clear(): void {
    this.queue.fill(EMPTY, 0, this.tail);
    this.head = this.tail = 0;
    this.headSent = 0;
    this.bytes = 0;
    for (const slot of this.slots) slot.buf = EMPTY;
  }

  // Acknowledged entries are dropped in bulk, not with shift() per message (acknowledge left them EMPTY).
  private compact(): void {
    if (this.head === this.tail) {
      this.head = this.tail = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      this.queue.copyWithin(0, this.head, this.tail);
      this.queue.fill(EMPTY, this.tail - this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }
}
