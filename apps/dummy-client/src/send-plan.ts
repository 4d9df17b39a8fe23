import { performance } from 'node:perf_hooks';
import type { SendLimit } from './cli-args.js';

/** Decides whether another message may go out, from --duration, --count or neither (until Ctrl-C). */
export class SendPlan {
  private readonly startedAt = performance.now();

  constructor(private readonly limit: SendLimit) {}

  get elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** Whether a client that has sent `sent` messages may send one more. */
  allows(sent: number): boolean {
    switch (this.limit.kind) {
      case 'duration':
        return this.elapsedMs < this.limit.ms;
      case 'count':
        return sent < this.limit.messages;
      case 'forever':
        return true;
    }
  }

  /** How far along a --duration run is (0..1); null when the run has no end in time. */
  progress(): number | null {
    return this.limit.kind === 'duration' ? Math.min(1, this.elapsedMs / this.limit.ms) : null;
  }

  /** A label for the progress bar: elapsed and total seconds. */
  progressLabel(): string {
    const total = this.limit.kind === 'duration' ? `/${(this.limit.ms / 1000).toFixed(1)}` : '';
    return `${(this.elapsedMs / 1000).toFixed(1)}${total} s`;
  }
}
