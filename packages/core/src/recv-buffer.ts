/**
 * A receive buffer with read and write cursors (the lecture's RecvBuffer). Data is received after the write
 * cursor, consumed from the read cursor; `clean` compacts so a partly consumed message keeps growing in place.
 *
 *   [ consumed | unread (dataSize) | free (freeSize) ]
 *              ^ read              ^ write
 */
export class RecvBuffer {
  /** The memory received into: its own, or one lent by a BufferPool (given back by the owner when done). */
  private storageBuffer: Buffer;
  private readPos = 0;
  private writePos = 0;

  /** `capacityOrStorage`: a capacity to allocate, or the buffer to use as storage. */
  constructor(capacityOrStorage: number | Buffer) {
    if (typeof capacityOrStorage !== 'number') {
      this.storageBuffer = capacityOrStorage;
    } else if (Number.isInteger(capacityOrStorage) && capacityOrStorage > 0) {
      this.storageBuffer = Buffer.allocUnsafe(capacityOrStorage);
    } else {
      throw new RangeError(`RecvBuffer: capacity must be a positive integer, got ${capacityOrStorage}`);
    }
  }

  get storage(): Buffer {
    return this.storageBuffer;
  }

  get capacity(): number {
    return this.storageBuffer.length;
  }

  /**
   * Moves the unread bytes to the front of `next` (larger, to grow) and receives there from now on.
   * Returns the storage given up. Only while no receive is posted into the old one.
   */
  replaceStorage(next: Buffer): Buffer {
    const unread = this.dataSize;
    if (next.length < unread) throw new RangeError(`RecvBuffer: ${next.length} bytes cannot hold ${unread} unread`);
    const previous = this.storageBuffer;
    previous.copy(next, 0, this.readPos, this.writePos);
    this.storageBuffer = next;
    this.readPos = 0;
    this.writePos = unread;
    return previous;
  }

  get dataSize(): number {
    return this.writePos - this.readPos;
  }

  get freeSize(): number {
    return this.capacity - this.writePos;
  }

  /** A view of the unread bytes (valid until the next onWrite or clean). */
  readSegment(): Buffer {
    return this.storageBuffer.subarray(this.readPos, this.writePos);
  }

  /** A view of the free space after the write cursor: where the next receive lands. */
  writeSegment(): Buffer {
    // Empty (the common case once clean() rewound it): the storage itself, with no view made per receive.
    return this.writePos === 0 ? this.storageBuffer : this.storageBuffer.subarray(this.writePos);
  }

  onRead(n: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n > this.dataSize) return false;
    this.readPos += n;
    return true;
  }

  onWrite(n: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n > this.freeSize) return false;
    this.writePos += n;
    return true;
  }

  /** Moves unread bytes to the front, or just rewinds both cursors when everything was read (no copy). */
  clean(): void {
    const unread = this.dataSize;
    if (unread === 0) {
      this.readPos = 0;
      this.writePos = 0;
    } else if (this.readPos > 0) {
      this.storageBuffer.copy(this.storageBuffer, 0, this.readPos, this.writePos);
      this.readPos = 0;
      this.writePos = unread;
    }
  }
}
