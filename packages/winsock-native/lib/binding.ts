// Loads the native addon and types what it exports: a build from source (build/Release) or the prebuild for this
// platform (prebuilds/, lib/platform.ts). Set OVERLAPPED_NATIVE_BUILD=asan to load the AddressSanitizer build
// (scripts/build-asan.sh) instead, or OVERLAPPED_NATIVE_BUILD=epoll-only for the build without liburing
// (scripts/build-epoll-only.sh).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markAsUntransferable } from 'node:worker_threads';
import { deliver } from './completions.js';
import { STATUS_PENDING } from './constants.js';
import { INTERNAL, INTERNAL_HIGH, PENDING_READS, stateOf } from './overlapped-state.js';
import { findAddon, loadFailureMessage, missingAddonMessage, unsupportedReason } from './platform.js';
import type { DWORD, INT, LINGER, SOCKADDR_IN, WSABUF, WSADATA, WSANETWORKEVENTS, SOCKET, WSAEVENT } from './structs.js';

/** The native-backed OVERLAPPED. Subclassable: `class Session extends WSAOVERLAPPED {}`. */
export interface WSAOVERLAPPED {
  /** NTSTATUS: STATUS_PENDING (0x103) while in flight, 0 on success, an error status on failure. */
  readonly Internal: number;
  /** Bytes transferred, once complete. */
  readonly InternalHigh: number;
  Offset: number;
  OffsetHigh: number;
  /** A WSAEVENT to set on completion, or WSA_INVALID_EVENT (0). Ignored when a completion routine is given. */
  hEvent: WSAEVENT;
}
export interface WSAOVERLAPPEDConstructor {
  new (): WSAOVERLAPPED;
  readonly prototype: WSAOVERLAPPED;
}

export type LPWSAOVERLAPPED_COMPLETION_ROUTINE = (
  dwError: number,
  cbTransferred: number,
  lpOverlapped: WSAOVERLAPPED,
  dwFlags: number,
) => void;

export interface NativeBinding {
  WSAOVERLAPPED: WSAOVERLAPPEDConstructor;

  WSAStartup(wVersionRequested: number, lpWSAData?: WSADATA | null): number;
  WSACleanup(): number;
  WSAGetLastError(): number;
  WSASetLastError(code: number): void;

  socket(af: number, type: number, protocol: number): SOCKET;
  WSASocket(af: number, type: number, protocol: number, lpProtocolInfo: null, g: number, dwFlags: number): SOCKET;
  ioctlsocket(s: SOCKET, cmd: number, argp: DWORD): number;
  bind(s: SOCKET, name: SOCKADDR_IN, namelen: number): number;
  listen(s: SOCKET, backlog: number): number;
  accept(s: SOCKET, addr?: SOCKADDR_IN | null, addrlen?: INT | null): SOCKET;
  connect(s: SOCKET, name: SOCKADDR_IN, namelen: number): number;
  closesocket(s: SOCKET): number;
  shutdown(s: SOCKET, how: number): number;
  setsockopt(s: SOCKET, level: number, optname: number, optval: Buffer | DWORD | INT | LINGER | number | null, optlen: number): number;
  getsockopt(s: SOCKET, level: number, optname: number, optval: Buffer | DWORD | INT | LINGER, optlen: INT): number;
  getpeername(s: SOCKET, name: SOCKADDR_IN, namelen: INT): number;
  getsockname(s: SOCKET, name: SOCKADDR_IN, namelen: INT): number;
  send(s: SOCKET, buf: Buffer, len: number, flags: number): number;
  recv(s: SOCKET, buf: Buffer, len: number, flags: number): number;

  // The general WSARecv / WSASend (overlapped-io.ts wraps them): Winsock's arguments, then the slot where JS
  // holds what an overlapped operation needs (completions.ts).
  WSARecv(
    s: SOCKET,
    lpBuffers: WSABUF[] | WSABUF,
    dwBufferCount: number,
    lpNumberOfBytesRecvd: DWORD | null,
    lpFlags: DWORD,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    slot: number,
  ): number;
  WSASend(
    s: SOCKET,
    lpBuffers: WSABUF[] | WSABUF,
    dwBufferCount: number,
    lpNumberOfBytesSent: DWORD | null,
    dwFlags: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    slot: number,
  ): number;
  WSAGetOverlappedResult(s: SOCKET, lpOverlapped: WSAOVERLAPPED, lpcbTransfer: DWORD, fWait: boolean, lpdwFlags: DWORD): boolean;

  WSACreateEvent(): WSAEVENT;
  WSACloseEvent(hEvent: WSAEVENT): boolean;
  WSASetEvent(hEvent: WSAEVENT): boolean;
  WSAResetEvent(hEvent: WSAEVENT): boolean;
  WSAWaitForMultipleEvents(cEvents: number, lphEvents: WSAEVENT[], fWaitAll: boolean, dwTimeout: number, fAlertable: boolean): number;
  SleepEx(dwMilliseconds: number, bAlertable: boolean): number;
  WSAEventSelect(s: SOCKET, hEventObject: WSAEVENT, lNetworkEvents: number): number;
  WSAEnumNetworkEvents(s: SOCKET, hEventObject: WSAEVENT, lpNetworkEvents: WSANETWORKEVENTS): number;

  // Internal halves of the Async waits (waits.ts). They return a final wait result (>= 0) at once, or
  // -(waiter id) when a later delivery settles it (completions.ts).
  waitAsync(cEvents: number, handles: WSAEVENT[], waitAll: boolean, alertable: boolean, poll: boolean): number;
  sleepAsync(alertable: boolean, poll: boolean): number;
  /** true: the waiter was still registered and is now gone (the caller settles it as a timeout). */
  cancelWait(waiterId: number): boolean;
  /** Hands over what the addon cannot reach by itself (once per JS thread). */
  configure(hooks: { markAsUntransferable: (buffer: ArrayBuffer) => void; deliver: typeof deliver }): void;
  /**
   * The fast entry of WSARecv / WSASend with one buffer and an overlapped's state (overlapped-io.ts); the other
   * arguments are in threadWords. Returns 0 (completed at once), WSA_IO_PENDING or the error; the thread's last
   * error is set to the same.
   */
  overlappedIo(buf: Uint8Array, state: Uint32Array): number;
  /** Drives pending I/O without blocking and without running JS (a loop polling a pending Internal). */
  pollCompletions(): void;
  /** The symbol under which each WSAOVERLAPPED keeps its completion state (a Uint32Array over native memory). */
  readonly overlappedStateKey: symbol;
  /** The words this thread shares with the addon (thread-words.ts). */
  readonly threadWords: Uint32Array;
  getResourceCounts(): ResourceCounts;
  getEngine(): EngineInfo;

  // Completion ports (src/api/ports.cc; lib/ports.ts builds the Windows signatures on these).
  CreateIoCompletionPort(FileHandle: number, ExistingCompletionPort: number, CompletionKey: number | bigint, NumberOfConcurrentThreads: number): number;
  CloseHandle(hObject: number): boolean;
  SetFileCompletionNotificationModes(FileHandle: number, Flags: number): boolean;
  CancelIo(hFile: number): boolean;
  CancelIoEx(hFile: number, lpOverlapped: WSAOVERLAPPED | null): boolean;
  postQueuedCompletionStatus(port: number, bytes: number, key: number | bigint, state: Uint32Array | null, slot: number): boolean;
  /** Entries written into `area` (10 words each), or -1 with the last error set. */
  dequeue(port: number, max: number, timeoutMs: number, alertable: boolean, area: Uint32Array): number;
  /** Entries written now, -1 with the last error, or -(waiterId + 1) for a wait a delivery settles. */
  dequeueAsync(port: number, max: number, alertable: boolean, area: Uint32Array): number;
  takeDequeued(waiterId: number, area: Uint32Array): number;
  /** This thread's view of the overlapped of entry `index` of the last dequeue (another thread's operation). */
  overlappedView(index: number): WSAOVERLAPPED;
  AcceptEx(listen: SOCKET, accept: SOCKET, buffer: Uint8Array | null, receiveLength: number, localLength: number,
    remoteLength: number, bytes: DWORD | null, overlapped: WSAOVERLAPPED | null, slot: number): boolean;
  ConnectEx(s: SOCKET, name: SOCKADDR_IN, namelen: number, buffer: Uint8Array | null, length: number, bytes: DWORD | null,
    overlapped: WSAOVERLAPPED | null, slot: number): boolean;
  DisconnectEx(s: SOCKET, overlapped: WSAOVERLAPPED | null, flags: number, reserved: number, slot: number): boolean;
  GetAcceptExSockaddrs(buffer: Uint8Array, receiveLength: number, localLength: number, remoteLength: number,
    local: SOCKADDR_IN, localSize: INT, remote: SOCKADDR_IN, remoteSize: INT): void;
}

/**
 * The engine under the API, chosen once per process: `io_uring` (Linux, where the kernel allows it), `epoll`
 * (Linux otherwise, or with `OVERLAPPED_BACKEND=epoll`) or `winsock` (Windows), and why.
 */
export interface EngineInfo {
  name: 'io_uring' | 'epoll' | 'winsock';
  reason: string;
}

/** What the addon holds right now: live sockets, events and overlapped operation records (in flight or queued). */
export interface ResourceCounts {
  sockets: number;
  events: number;
  operations: number;
  /** Open completion ports. */
  ports: number;
  /** Packets queued in ports (or dequeued and not yet handed to JS). */
  packets: number;
  /** GetQueuedCompletionStatus(Ex) calls waiting right now, on any thread, blocking or Async. */
  portWaiters: number;
}

// A loop that spins on HasOverlappedIoCompleted (Internal) must make progress, as on Windows, where the kernel
// completes the operation meanwhile. Here the thread's engine has to be driven: every this many reads that find
// an operation pending, the read drives it. Rare enough that a scan over many pending operations (the event
// strategy's) stays a plain memory read.
const PENDING_READS_PER_POLL = 64;

/** Internal and InternalHigh read the native state directly: no call into C++ per read. */
function defineStateGetters(binding: NativeBinding): void {
  const key = binding.overlappedStateKey;
  Object.defineProperties(binding.WSAOVERLAPPED.prototype, {
    Internal: {
      get(this: object): number {
        // A plain read: the status is one aligned word, written last by the completing thread. (Atomics.load
        // is a builtin call here, not inlined, and a scan of many pending operations reads this a lot.)
        const state = stateOf(this, key);
        const status = state[INTERNAL]!;
        if (status !== STATUS_PENDING || ++state[PENDING_READS]! % PENDING_READS_PER_POLL !== 0) return status;
        binding.pollCompletions();
        return state[INTERNAL]!;
      },
      enumerable: false,
      configurable: false,
    },
    InternalHigh: {
      get(this: object): number {
        const state = stateOf(this, key);
        Atomics.load(state, INTERNAL); // ordered after Internal: a final status comes with its final byte count
        return state[INTERNAL_HIGH]!;
      },
      enumerable: false,
      configurable: false,
    },
  });
}

/** The repository's other builds of the addon (OVERLAPPED_NATIVE_BUILD), each in build-<name>/, and what makes it. */
const NATIVE_FLAVOURS: Record<string, string> = {
  asan: 'scripts/build-asan.sh',  // AddressSanitizer
  'epoll-only': 'scripts/build-epoll-only.sh',  // as built where liburing is missing
};

function addonPath(): string {
  // lib/*.ts (tests) and dist/*.js (built) both sit one level below the package root.
  const root = fileURLToPath(new URL('..', import.meta.url));
  const flavour = process.env.OVERLAPPED_NATIVE_BUILD;
  if (flavour !== undefined && flavour !== '') {
    const script = NATIVE_FLAVOURS[flavour];
    if (script === undefined) {
      throw new Error(`@overlapped/winsock-native: OVERLAPPED_NATIVE_BUILD=${flavour} is not a build: use ${Object.keys(NATIVE_FLAVOURS).join(' or ')}, or leave it unset.`);
    }
    const path = join(root, `build-${flavour}`, 'Release', 'winsock_native.node');
    if (!existsSync(path)) throw new Error(`@overlapped/winsock-native: the ${flavour} addon is missing at ${path}; run ${script} first.`);
    return path;
  }
  const unsupported = unsupportedReason(process.platform);
  if (unsupported !== null) throw new Error(`${unsupported}.`);
  const path = findAddon(root);
  if (path === null) throw new Error(missingAddonMessage(root));
  return path;
}

function load(): NativeBinding {
  const path = addonPath();
  let binding: NativeBinding;
  try {
    binding = createRequire(import.meta.url)(path) as NativeBinding;
  } catch (error) {
    throw new Error(loadFailureMessage(path, error), { cause: error });
  }
  binding.configure({ markAsUntransferable: markAsUntransferable as (buffer: ArrayBuffer) => void, deliver });
  defineStateGetters(binding);
  return binding;
}

export const native: NativeBinding = load();
