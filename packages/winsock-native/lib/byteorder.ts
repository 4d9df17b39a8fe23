// Byte order and address text helpers, in TypeScript: they touch no socket.
import { endianness } from 'node:os';
import { AF_INET, WSAEAFNOSUPPORT } from './constants.js';
import { native } from './binding.js';
import type { IN_ADDR } from './structs.js';

const littleEndianHost = endianness() === 'LE';

export function MAKEWORD(lo: number, hi: number): number {
  return ((lo & 0xff) | ((hi & 0xff) << 8)) >>> 0;
}
export function LOBYTE(w: number): number {
  return w & 0xff;
}
export function HIBYTE(w: number): number {
  return (w >>> 8) & 0xff;
}

function swap16(x: number): number {
  return (((x & 0xff) << 8) | ((x >>> 8) & 0xff)) >>> 0;
}
function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff)) >>> 0;
}

export function htons(x: number): number {
  return littleEndianHost ? swap16(x) : x & 0xffff;
}
export const ntohs = htons;
export function htonl(x: number): number {
  return littleEndianHost ? swap32(x) : x >>> 0;
}
export const ntohl = htonl;

/** Dotted quad -> `dst.s_addr` in network byte order. 1 on success, 0 for bad text, -1 (WSAEAFNOSUPPORT) for another family. */
export function inet_pton(family: number, src: string, dst: IN_ADDR): number {
  if (family !== AF_INET) {
    native.WSASetLastError(WSAEAFNOSUPPORT);
    return -1;
  }
  const parts = src.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return 0;
  const hostOrder = parts.reduce((acc, p) => acc * 256 + Number(p), 0);
  dst.s_addr = htonl(hostOrder);
  return 1;
}

/** `src.s_addr` (network byte order) -> dotted quad; null (WSAEAFNOSUPPORT) for another family. */
export function inet_ntop(family: number, src: IN_ADDR): string | null {
  if (family !== AF_INET) {
    native.WSASetLastError(WSAEAFNOSUPPORT);
    return null;
  }
  const hostOrder = ntohl(src.s_addr);
  return [hostOrder >>> 24, (hostOrder >>> 16) & 0xff, (hostOrder >>> 8) & 0xff, hostOrder & 0xff].join('.');
}
