import type { HANDLE } from '@overlapped/winsock-native';

/** What the main thread of --lecture iocp and its worker threads share (iocp-server.ts, iocp-worker.ts). */

export const BUFSIZE = 1000;

/**
 * The lecture keeps `vector<Session*> sessionManager` and uses each `Session*` as its completion key. A JS
 * object cannot cross threads, so here a session is an index into tables in shared memory, and that index is
 * the key. The tables have a fixed size; a session's slot is reused once its client has gone.
 */
export const MAX_SESSIONS = 1024;

/** A completion key no session has: the packet that tells one worker thread to return (Ctrl-C). */
export const EXIT_KEY = MAX_SESSIONS;

/** The lecture's `enum IO_TYPE { READ, WRITE, ACCEPT, CONNECT }`: what a session's pending operation is. */
export const IO_TYPE = { READ: 0, WRITE: 1, ACCEPT: 2, CONNECT: 3 } as const;

/** A free slot of the session table. */
export const NO_SOCKET = -1; // INVALID_SOCKET

export interface IocpWorkerData {
  iocpHandle: HANDLE;
  /** Session key -> its SOCKET, or NO_SOCKET. Written with Atomics: the main thread fills, a worker frees. */
  sockets: Int32Array;
  /**
   * Session key -> IO_TYPE of its pending operation: the lecture's `OverlappedEx::type`. A worker dequeues its
   * own view of the overlapped the main thread started the first receive with, a plain WSAOVERLAPPED without
   * the subclass's fields, so what the lecture keeps beside the overlapped lives here.
   */
  ioTypes: Int32Array;
  /** BUFSIZE bytes per session key: the lecture's `Session::recvBuffer`. */
  recvBuffers: SharedArrayBuffer;
  /** --echo: send each receive back before receiving again. */
  echo: boolean;
}

/** Session key -> its receive buffer, on whichever thread asks. */
export function recvBufferOf(recvBuffers: SharedArrayBuffer, key: number): Buffer {
  return Buffer.from(recvBuffers, key * BUFSIZE, BUFSIZE);
}
