import { Session, type DisconnectReason } from '../../src/index.js';
import { deferred } from './deferred.js';

/** The server side of most tests: echoes every byte back (copied: the receive buffer is reused). */
export class EchoSession extends Session {
  protected override onRecv(buffer: Buffer): number {
    this.send(Buffer.from(buffer));
    return buffer.length;
  }
}

/**
 * Records what it receives and which hooks ran when, so tests can wait for bytes or for the disconnect and
 * then check "exactly once" and "no hook after onDisconnected".
 */
export class RecordingSession extends Session {
  readonly disconnectReasons: DisconnectReason[] = [];
  hooksAfterDisconnect = 0;
  private readonly chunks: Buffer[] = [];
  private receivedBytes = 0;
  private byteWaiter: { bytes: number; resolve(data: Buffer): void } | null = null;
  private readonly disconnected = deferred<DisconnectReason>();
  private readonly connectedOnce = deferred();

  /** Resolves once the session is open (for server-side sessions created by accept). */
  get opened(): Promise<void> {
    return this.connectedOnce.promise;
  }

  /** Resolves with the reason passed to onDisconnected. */
  get disconnectedWith(): Promise<DisconnectReason> {
    return this.disconnected.promise;
  }

  /** Resolves with everything received once at least `bytes` bytes have arrived. */
  waitForBytes(bytes: number): Promise<Buffer> {
    const { promise, resolve } = deferred<Buffer>();
    this.byteWaiter = { bytes, resolve };
    this.resolveByteWaiter();
    return promise;
  }

  protected override onConnected(): void {
    this.connectedOnce.resolve();
  }

  protected override onRecv(buffer: Buffer): number {
    this.countHookAfterDisconnect();
    this.chunks.push(Buffer.from(buffer));
    this.receivedBytes += buffer.length;
    this.resolveByteWaiter();
    return this.consume(buffer);
  }

  protected override onSend(): void {
    this.countHookAfterDisconnect();
  }

  protected override onDisconnected(reason: DisconnectReason): void {
    this.disconnectReasons.push(reason);
    this.disconnected.resolve(reason);
  }

  /** What onRecv returns; subclasses misbehave here. */
  protected consume(buffer: Buffer): number {
    return buffer.length;
  }

  private countHookAfterDisconnect(): void {
    if (this.disconnectReasons.length > 0) this.hooksAfterDisconnect++;
  }

  private resolveByteWaiter(): void {
    if (this.byteWaiter && this.receivedBytes >= this.byteWaiter.bytes) {
      this.byteWaiter.resolve(Buffer.concat(this.chunks));
      this.byteWaiter = null;
    }
  }
}

/** Returns a fixed answer from onRecv, e.g. more than was available, a negative count, or 0 (never consume). */
export class MisbehavingSession extends RecordingSession {
  constructor(private readonly answer: (buffer: Buffer) => number) {
    super();
  }

  protected override consume(buffer: Buffer): number {
    return this.answer(buffer);
  }
}
