/**
 * A receive buffer with read and write cursors (the lecture's RecvBuffer). Data is received after the write
 * cursor, consumed from the read cursor; `clean` compacts so a partly consumed message keeps growing in place.
 *
 *   [ consumed | unread (dataSize) | free (freeSize) ]
 *              ^ read              ^ write
 */
export class RecvBuffer {
  private readonly storage: Buffer;
  private readPos = 0;
  private writePos = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`RecvBuffer: capacity must be a positive integer, got ${capacity}`);
    }
    this.storage = Buffer.allocUnsafe(capacity);
  }

  get dataSize(): number {
    return this.writePos - this.readPos;
  }

  get freeSize(): number {
    return this.capacity - this.writePos;
  }

  /** A view of the unread bytes (valid until the next onWrite or clean). */
  readSegment(): Buffer {
    return this.storage.subarray(this.readPos, this.writePos);
  }

  /** A view of the free space after the write cursor: where the next receive lands. */
  writeSegment(): Buffer {
    return this.storage.subarray(this.writePos);
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
      this.storage.copy(this.storage, 0, this.readPos, this.writePos);
      this.readPos = 0;
      this.writePos = unread;
    }
  }
}
