// Every conformance case, in run order (topics from the simplest API to the connection's end, then completion
// ports and the extension functions built on them).
import { cases as startup } from './startup.mjs';
import { cases as sockets } from './sockets.mjs';
import { cases as nonblocking } from './nonblocking.mjs';
import { cases as eventSelect } from './event-select.mjs';
import { cases as overlapped } from './overlapped.mjs';
import { cases as events } from './events.mjs';
import { cases as overlappedResult } from './overlapped-result.mjs';
import { cases as routines } from './routines.mjs';
import { cases as buffers } from './buffers.mjs';
import { cases as connectionEnds } from './connection-ends.mjs';
import { cases as errors } from './errors.mjs';
import { cases as completionPorts } from './completion-ports.mjs';
import { cases as extensions } from './extensions.mjs';

/** @type {import('../harness.mjs').ConformanceCase[]} */
export const allCases = [
  ...startup, ...sockets, ...nonblocking, ...eventSelect, ...overlapped, ...events, ...overlappedResult,
  ...routines, ...buffers, ...connectionEnds, ...errors, ...completionPorts, ...extensions,
];
