/**
 * A command line the program cannot run. `runMain` prints `<program>: <message>` and exits with code 2; the
 * line then points at --help, unless the message already says what to type instead (`pointToHelp: false`).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly pointsToHelp: boolean;

  constructor(message: string, options: { pointToHelp?: boolean } = {}) {
    super(message);
    this.pointsToHelp = options.pointToHelp ?? true;
  }
}

/** The line a usage error prints: "game-server: --port must be ... Run game-server --help for the options." */
export function usageErrorLine(program: string, error: UsageError): string {
  const pointer = error.pointsToHelp ? ` Run ${program} --help for the options.` : '';
  return `${program}: ${error.message}${pointer}`;
}
