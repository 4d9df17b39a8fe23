import { defineConfig } from 'tsup';
import { programConfig } from '../../tsup.shared';

// The program's options, with two more entries: the files the lecture servers start their worker threads
// from (a Worker runs a file, next to main.js in dist/).
export default defineConfig({
  ...programConfig('src/main.ts'),
  entry: {
    main: 'src/main.ts',
    'iocp-worker': 'src/lecture/iocp-worker.ts',
    'proactor-worker': 'src/lecture/proactor-worker.ts',
  },
});
