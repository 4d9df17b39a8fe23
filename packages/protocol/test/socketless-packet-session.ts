import { PacketSession, type PacketSessionOptions } from '../src/packet-session.js';

export type PacketHandler = (session: SocketlessPacketSession, id: number, body: Buffer) => void;

/**
 * A PacketSession whose connection is a flag and whose sends are recorded, so its receive path can be driven
 * byte by byte without sockets. Real sockets are exercised in packet-session.loopback.test.ts.
 */
export class SocketlessPacketSession extends PacketSession {
  readonly sent: Buffer[] = [];
  readonly protocolErrors: string[] = [];
  disconnectReason: string | null = null;

  constructor(
    private readonly handle: PacketHandler,
    options?: PacketSessionOptions,
  ) {
    super(options);
  }

  override get connected(): boolean {
    return this.disconnectReason === null;
  }

  override send(data: Buffer): void {
    this.sent.push(data);
  }

  override disconnect(reason: string): void {
    this.disconnectReason ??= reason;
  }

  /** What core's receive completion does: hand over the unread bytes, get back how many were consumed. */
  receive(buffer: Buffer): number {
    return this.onRecv(buffer);
  }

  protected override onRecvPacket(id: number, body: Buffer): void {
    this.handle(this, id, body);
  }

  protected override onProtocolError(reason: string): void {
    this.protocolErrors.push(reason);
  }
}
