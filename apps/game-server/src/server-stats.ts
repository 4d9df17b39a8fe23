import type { Endpoint } from '@overlapped/core';
import { disconnectLine, type ServerObserver } from './server-observer.js';

const INTERVAL_MS = 1000;

/**
 * --quiet: counts what the sessions report and prints one line a second instead of a line per event.
 * A session dropped for a protocol error is still logged with its reason: it is rare and needs explaining.
 */
export class ServerStats implements ServerObserver {
  private sessions = 0;
  private messages = 0;
  private bytes = 0;
  private protocolErrors = 0;
  private timer: NodeJS.Timeout | null = null;

  /** `rejected` reads the service's count of connections refused by --max-sessions. */
  constructor(private readonly rejected: () => number) {}

  start(): void {
    // unref: the listener keeps the server alive, the stats line must never be what keeps it running.
    this.timer = setInterval(() => this.print(), INTERVAL_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  connected(): void {
    this.sessions++;
  }

  received(bytes: number): void {
    this.messages++;
    this.bytes += bytes;
  }

  packet(_id: number, size: number): void {
    this.received(size);
  }

  disconnected(remote: Endpoint | null, reason: string, protocolError: boolean): void {
    this.sessions--;
    if (!protocolError) return;
    this.protocolErrors++;
    console.log(disconnectLine(remote, reason, true));
  }

  private print(): void {
    console.log(
      `sessions=${this.sessions} messages/s=${this.messages} bytes/s=${this.bytes} ` +
        `protocolErrors=${this.protocolErrors} rejected=${this.rejected()}`,
    );
    this.messages = 0;
    this.bytes = 0;
  }
}
