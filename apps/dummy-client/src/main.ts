import { HELP, UsageError, parseClientArgs } from './cli-args.js';
import { ConnectFailure } from './connect-failure.js';
import { runLectureClient } from './lecture/lecture-client.js';
import { runLoad } from './load/run-load.js';
import { Output, progressWanted } from './output.js';
import { stopOnSignal } from './stop-signal.js';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseClientArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`dummy-client: ${error.message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const { options } = parsed;
  const output = new Output(progressWanted(options.limit.kind === 'duration'));
  const stop = stopOnSignal();
  const lecture = options.clients === null && !options.quiet && options.protocol === 'raw' && !options.expectEcho;
  // Not in the lecture: says the client is up and trying, which is all there is to see while the server is not.
  output.line(`Connecting to ${options.host}:${options.port}`);
  try {
    return await (lecture ? runLectureClient : runLoad)(options, output, stop);
  } catch (error) {
    if (!(error instanceof ConnectFailure)) throw error;
    console.error(`dummy-client: ${error.message}`);
    return 1;
  }
}

// The exit code is set, not forced: the process ends once every socket and wait is closed, and an exit that
// does not come is a leak worth seeing, not hiding.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`dummy-client: ${error.message}`);
    process.exitCode = 1;
  },
);
