import { UsageError, usageErrorLine } from './usage-error.js';

export type ParsedCommandLine<Options> = { help: true } | { help: false; options: Options };

export interface CommandLineProgram<Options> {
  /** Starts every error line: "game-server: ...". */
  name: string;
  /** Printed for -h / --help. */
  help: string;
  /** Reads the arguments; throws a UsageError for a command line the program cannot run. */
  parse(argv: string[]): ParsedCommandLine<Options>;
  /** The program itself; resolves with its exit code. */
  run(options: Options): Promise<number>;
}

/** Exit codes: a usage error, and anything thrown that the program did not turn into a code of its own. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/**
 * Parses the command line and runs the program: --help prints the help and exits 0, a UsageError prints its
 * line on stderr and exits 2, anything the program throws prints "<name>: <message>" and exits 1. Resolves
 * with the exit code once it is set.
 *
 * The exit code is set, not forced: the process ends once every socket and wait is closed, and an exit that
 * does not come is a leak worth seeing, not hiding.
 */
export async function runMain<Options>(
  program: CommandLineProgram<Options>,
  argv: string[] = process.argv.slice(2),
): Promise<number> {
  const code = await parseAndRun(program, argv).catch((error: Error) => {
    console.error(`${program.name}: ${error.message}`);
    return EXIT_FAILURE;
  });
  process.exitCode = code;
  return code;
}

async function parseAndRun<Options>(program: CommandLineProgram<Options>, argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = program.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(usageErrorLine(program.name, error));
    return EXIT_USAGE;
  }
  if (parsed.help) {
    console.log(program.help);
    return 0;
  }
  return program.run(parsed.options);
}
