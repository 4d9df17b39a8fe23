import { Session, type DisconnectReason } from '@overlapped/core';
import { HEADER_SIZE, PacketId, PacketSession } from '@overlapped/protocol';
import { roundTripMs } from '../payload.js';
import type { LoadTraffic } from './load-traffic.js';

/** A load session as the send loop sees it, whichever protocol it speaks. */
export interface LoadSession {
  readonly connected: boolean;
  /** Queues one message (a stamped payload); returns the bytes it puts on the wire. */
  sendMessage(payload: Buffer): number;
}

/** --protocol raw: messages go out as they are; echoes come back as a stream cut into --size frames. */
export class RawLoadSession extends Session implements LoadSession {
  constructor(
    private readonly traffic: LoadTraffic,
    private readonly messageSize: number,
  ) {
    super();
  }

  sendMessage(payload: Buffer): number {
    this.send(payload);
    return payload.length;
  }

  protected override onConnected(): void {
    this.traffic.sessionConnected();
  }

  protected override onRecv(buffer: Buffer): number {
    let consumed = 0;
    for (; buffer.length - consumed >= this.messageSize; consumed += this.messageSize) {
      this.traffic.echoReceived(roundTripMs(buffer.subarray(consumed, consumed + this.messageSize)));
    }
    // A partial frame stays in the receive buffer until the rest of it arrives.
    return consumed;
  }

  protected override onSend(bytes: number): void {
    this.traffic.sendCompleted(bytes);
  }

  protected override onDisconnected(reason: DisconnectReason): void {
    this.traffic.sessionClosed(reason);
  }
}

/** --protocol packet: each message is the body of an Echo packet; Echo packets that come back are echoes. */
export class PacketLoadSession extends PacketSession implements LoadSession {
  constructor(private readonly traffic: LoadTraffic) {
    super();
  }

  sendMessage(payload: Buffer): number {
    this.sendPacket(PacketId.Echo, payload);
    return HEADER_SIZE + payload.length;
  }

  protected override onConnected(): void {
    this.traffic.sessionConnected();
  }

  protected override onRecvPacket(id: number, body: Buffer): void {
    // Anything else (a Chat broadcast by a --chat server) is not an answer to this client's messages.
    if (id === PacketId.Echo) this.traffic.echoReceived(roundTripMs(body));
  }

  protected override onSend(bytes: number): void {
    this.traffic.sendCompleted(bytes);
  }

  protected override onDisconnected(reason: DisconnectReason): void {
    this.traffic.sessionClosed(reason);
  }
}
