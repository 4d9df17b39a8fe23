import { onStopSignal, runMain } from '@overlapped/cli';
import { HELP, parseClientArgs } from './cli-args.js';
import { runLectureClient } from './lecture/lecture-client.js';
import { runLoad } from './load/run-load.js';
import { Output, progressWanted } from './output.js';

// A ConnectFailure (no server in time), like anything else thrown, ends as "dummy-client: <message>", exit 1.
void runMain({
  name: 'dummy-client',
  help: HELP,
  parse: parseClientArgs,
  run(options) {
    const output = new Output(progressWanted(options.limit.kind === 'duration'));
    const stop = onStopSignal();
    const lecture = options.clients === null && !options.quiet && options.protocol === 'raw' && !options.expectEcho;
    // Not in the lecture: says the client is up and trying, which is all there is to see while the server is not.
    output.line(`Connecting to ${options.host}:${options.port}`);
    return (lecture ? runLectureClient : runLoad)(options, output, stop);
  },
});
