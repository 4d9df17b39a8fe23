import { HELP, UsageError, parseServerArgs } from './cli-args.js';
import { runCallbackServer } from './lecture/callback-server.js';
import { runEventServer } from './lecture/event-server.js';
import { runServer } from './run-server.js';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseServerArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`game-server: ${error.message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const { options } = parsed;
  if (options.lecture === 'event') await runEventServer(options.host, options.port);
  else if (options.lecture === 'callback') await runCallbackServer(options.host, options.port);
  else await runServer(options);
  return 0;
}

// The exit code is set, not forced: the process ends once every socket and wait is closed, and an exit that
// does not come is a leak worth seeing, not hiding.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`game-server: ${error.message}`);
    process.exitCode = 1;
  },
);
