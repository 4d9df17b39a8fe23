import { MAKEWORD, WSACleanup, WSAStartup, winsockError } from '@overlapped/winsock-native';

/**
 * Winsock must be started before any socket call and counts its startups, so every running service holds
 * one start and gives it back when it stops.
 */
export function startWinsock(): void {
  const error = WSAStartup(MAKEWORD(2, 2));
  if (error !== 0) throw winsockError('WSAStartup', error);
}

export function cleanupWinsock(): void {
  WSACleanup();
}
