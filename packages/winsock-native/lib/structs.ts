// Out-parameter boxes and Winsock structs. WSAOVERLAPPED is native (see binding.ts); the rest are plain classes.
import type { WSAOVERLAPPED } from './binding.js';
import { AF_INET, FD_MAX_EVENTS } from './constants.js';

/** A DWORD out-parameter (also flags in/out): `new DWORD()` then read `.value`. */
export class DWORD {
  constructor(public value = 0) {}
}

/** An int out-parameter (addrlen, optlen). */
export class INT {
  constructor(public value = 0) {}
}

export class WSADATA {
  wVersion = 0;
  wHighVersion = 0;
  szDescription = '';
  szSystemStatus = '';
}

/** An IPv4 address; `s_addr` is in network byte order, as a uint32 (what `htonl` returns). */
export class IN_ADDR {
  constructor(public s_addr = 0) {}
}

export class SOCKADDR_IN {
  sin_family = AF_INET;
  sin_port = 0; // network byte order
  sin_addr = new IN_ADDR();
}

export class LINGER {
  constructor(
    public l_onoff = 0,
    public l_linger = 0,
  ) {}
}

export class WSABUF {
  len: number;
  buf: Buffer;
  constructor(buf?: Buffer, len = buf?.length ?? 0) {
    this.buf = buf ?? Buffer.alloc(0);
    this.len = len;
  }
}

export class WSANETWORKEVENTS {
  lNetworkEvents = 0;
  iErrorCode: number[] = new Array<number>(FD_MAX_EVENTS).fill(0);
}

export type SOCKET = number;
export type WSAEVENT = number;

/** A ULONG out-parameter (GetQueuedCompletionStatusEx's ulNumEntriesRemoved). */
export class ULONG {
  constructor(public value = 0) {}
}

/** A ULONG_PTR: a completion key. A number comes back a number, a bigint a bigint. */
export class ULONG_PTR {
  constructor(public value: number | bigint = 0) {}
}

/**
 * An LPOVERLAPPED out-parameter: GetQueuedCompletionStatus sets `.value` to the overlapped of the packet (the very
 * object passed in, so a subclass comes back as itself) or to null.
 */
export class LPOVERLAPPED<T extends object = WSAOVERLAPPED> {
  constructor(public value: T | null = null) {}
}

/** One entry GetQueuedCompletionStatusEx fills. */
export class OVERLAPPED_ENTRY<T extends object = WSAOVERLAPPED> {
  lpCompletionKey: number | bigint = 0;
  lpOverlapped: T | null = null;
  /** The operation's NTSTATUS. */
  Internal = 0;
  dwNumberOfBytesTransferred = 0;
}

/** A GUID, as WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) takes it. */
export class GUID {
  constructor(
    public readonly Data1: number,
    public readonly Data2: number,
    public readonly Data3: number,
    public readonly Data4: readonly number[],
  ) {}
  equals(other: unknown): boolean {
    return other instanceof GUID && other.Data1 === this.Data1 && other.Data2 === this.Data2 &&
      other.Data3 === this.Data3 && other.Data4.every((byte, i) => byte === this.Data4[i]);
  }
}

/** A function-pointer out-parameter (WSAIoctl's lpvOutBuffer for SIO_GET_EXTENSION_FUNCTION_POINTER). */
export class LPFN<F extends (...args: never[]) => unknown = (...args: never[]) => unknown> {
  constructor(public value: F | null = null) {}
}

export type HANDLE = number;
