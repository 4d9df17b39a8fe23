import type { DisconnectReason } from '@overlapped/core';
import type { Output } from '../output.js';

/**
 * Everything the load sessions report, counted for the stats line and the summary, and the one place that
 * knows when a finished run has settled (every send flushed, every echo back).
 */
export class LoadTraffic {
  connected = 0;
  sentMessages = 0;
  /** Bytes handed to sessions, and bytes whose WSASend completed: equal once every send is flushed. */
  queuedBytes = 0;
  flushedBytes = 0;
  echoedMessages = 0;
  /** Sessions the server closed (or that failed) while the run was on. */
  lostSessions = 0;
  private roundTrips: number[] = [];
  private sentThisSecond = 0;
  private echoedThisSecond = 0;
  private running = true;
  private onChange: (() => void) | null = null;

  constructor(
    private readonly output: Output,
    private readonly verbose: boolean,
    /** --expect-echo: settled means every message echoed, and the unechoed ones are lost. */
    private readonly expectEcho: boolean,
  ) {}

  sessionConnected(): void {
    this.connected++;
    if (this.verbose) this.output.line('Connected To Server');
  }

  messageQueued(wireBytes: number): void {
    this.sentMessages++;
    this.sentThisSecond++;
    this.queuedBytes += wireBytes;
  }

  sendCompleted(bytes: number): void {
    this.flushedBytes += bytes;
    if (this.verbose) this.output.line(`Send Len = ${bytes}`);
    this.onChange?.();
  }

  echoReceived(roundTripMs: number): void {
    this.echoedMessages++;
    this.echoedThisSecond++;
    this.roundTrips.push(roundTripMs);
    this.onChange?.();
  }

  sessionClosed(reason: DisconnectReason): void {
    this.connected--;
    if (!this.running) return;
    this.lostSessions++;
    this.output.line(`Disconnected From Server: ${reason}`);
    this.onChange?.();
  }

  /** From here on, disconnects are the client's own doing and not worth reporting. */
  finish(): void {
    this.running = false;
  }

  /**
   * Resolves true once every queued byte is flushed and (with --expect-echo) every message is echoed, or
   * false after `timeoutMs`. A session that died can never settle: then only the timeout ends the wait.
   */
  settled(timeoutMs: number): Promise<boolean> {
    const isSettled = (): boolean =>
      this.flushedBytes === this.queuedBytes && (!this.expectEcho || this.echoedMessages === this.sentMessages);
    if (isSettled()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (result: boolean): void => {
        clearTimeout(timer);
        this.onChange = null;
        resolve(result);
      };
      this.onChange = () => {
        if (isSettled()) done(true);
      };
    });
  }

  /** The --quiet line, covering the second since the last one. */
  statsLine(): string {
    const rtt = this.roundTrips.length > 0
      ? ` rtt p50=${percentile(this.roundTrips, 0.5)}ms p99=${percentile(this.roundTrips, 0.99)}ms`
      : '';
    const line = `connected=${this.connected} sent/s=${this.sentThisSecond} echoed/s=${this.echoedThisSecond}${rtt}`;
    this.sentThisSecond = 0;
    this.echoedThisSecond = 0;
    this.roundTrips = [];
    return line;
  }

  /** `lost` only with --expect-echo: without it, an echo that has not come back is not known to be due. */
  summaryLine(): string {
    const lost = this.expectEcho ? ` lost=${this.sentMessages - this.echoedMessages}` : '';
    return `Summary: sent=${this.sentMessages} echoed=${this.echoedMessages}${lost} bytes=${this.flushedBytes}`;
  }
}

/** Nearest-rank percentile, to 0.01 ms. */
function percentile(samples: number[], p: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, rank)]!.toFixed(2);
}
