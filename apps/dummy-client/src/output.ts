const BAR_WIDTH = 30;

/**
 * Every line the client prints goes through here, so a progress bar (a TTY and --duration only) can sit on
 * the last line: it is erased before each line and drawn again after it. When stdout is not a TTY (a pipe,
 * a file, turbo's stream) there is no bar and lines are plain.
 */
export class Output {
  private bar: string | null = null;

  constructor(private readonly showProgress: boolean) {}

  line(text: string): void {
    if (this.bar === null) {
      process.stdout.write(`${text}\n`);
      return;
    }
    process.stdout.write(`\r\x1b[K${text}\n${this.bar}`);
  }

  /** Draws the bar at `fraction` (0..1) with a short label after it. */
  progress(fraction: number, label: string): void {
    if (!this.showProgress) return;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
    this.bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${label}`;
    process.stdout.write(`\r\x1b[K${this.bar}`);
  }

  /** Removes the bar for good, so what follows starts on a clean line. */
  endProgress(): void {
    if (this.bar === null) return;
    this.bar = null;
    process.stdout.write('\r\x1b[K');
  }
}

export function progressWanted(hasDuration: boolean): boolean {
  return hasDuration && process.stdout.isTTY === true;
}
