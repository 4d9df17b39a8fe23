// Out-parameter boxes and Winsock structs. WSAOVERLAPPED is native (see binding.ts); the rest are plain classes.
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
