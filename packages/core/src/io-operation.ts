import { WSAOVERLAPPED, type WSABUF } from '@overlapped/winsock-native';

/**
 * One overlapped operation. It *is* the WSAOVERLAPPED handed to Winsock, so however a strategy learns of the
 * completion (an event, a completion routine, later a completion port) it gets this very object back: the
 * TypeScript form of the lecture's `(Session*)overlapped` cast. Owners keep one instance per kind of operation
 * and reuse it, so a busy socket allocates no operation records.
 */
export abstract class IoOperation extends WSAOVERLAPPED {
  /** The WSABUFs to receive into or gather from: the first `bufferCount` of them are passed on each issue. */
  buffers: WSABUF[] = [];
  bufferCount = 0;

  /** @internal Whose it is while a completion port owes it a packet (OwedOperations), else 0. */
  owedBy = 0;
  /** @internal Its neighbours in that list. */
  owedPrev: IoOperation | null = null;
  owedNext: IoOperation | null = null;

  /** Called exactly once per issue: error 0 = success, else a Winsock error number. */
  abstract complete(error: number, bytes: number): void;
}
