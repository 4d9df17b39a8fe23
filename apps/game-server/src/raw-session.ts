import { Session, type DisconnectReason } from '@overlapped/core';
import type { ServerObserver } from './server-observer.js';

/** --protocol raw: every completed receive is one message, reported (and echoed with --echo) as it came. */
export class RawSession extends Session {
  constructor(
    private readonly observer: ServerObserver,
    private readonly echo: boolean,
  ) {
    super();
  }

  protected override onConnected(): void {
    this.observer.connected(this.remote);
  }

  protected override onRecv(buffer: Buffer): number {
    this.observer.received(buffer.length);
    // `buffer` is a view into the receive buffer, which the next receive overwrites: echo a copy.
    if (this.echo) this.send(Buffer.from(buffer));
    return buffer.length;
  }

  protected override onDisconnected(reason: DisconnectReason): void {
    this.observer.disconnected(this.remote, reason, false);
  }
}
