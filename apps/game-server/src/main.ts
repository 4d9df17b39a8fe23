import { runMain } from '@overlapped/cli';
import { HELP, parseServerArgs } from './cli-args.js';
import { runCallbackServer } from './lecture/callback-server.js';
import { runEventServer } from './lecture/event-server.js';
import { runIocpServer } from './lecture/iocp-server.js';
import { runProactorServer } from './lecture/proactor-server.js';
import { runServer } from './run-server.js';

void runMain({
  name: 'game-server',
  help: HELP,
  parse: parseServerArgs,
  async run(options) {
    if (options.lecture === 'event') await runEventServer(options.host, options.port);
    else if (options.lecture === 'callback') await runCallbackServer(options.host, options.port);
    else if (options.lecture === 'iocp') await runIocpServer(options.host, options.port, options.threads, options.echo);
    else if (options.lecture === 'proactor') await runProactorServer(options.host, options.port, options.echo);
    else await runServer(options);
    return 0;
  },
});
