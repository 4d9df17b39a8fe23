import {
  WSAECONNABORTED, WSAECONNREFUSED, WSAECONNRESET, WSA_OPERATION_ABORTED,
} from '@overlapped/winsock-native';
import { describe, expect, it } from 'vitest';
import { reasonForError } from '../src/disconnect-reason.js';
import { winsockErrorText } from '../src/winsock-error-text.js';

describe('disconnect reasons', () => {
  it('name the call and the error, with no period before the parenthesis', () => {
    expect(reasonForError('WSARecv', WSA_OPERATION_ABORTED)).toBe(
      'WSARecv failed: Overlapped operation aborted (WSA_OPERATION_ABORTED)',
    );
  });

  it('say a reset or an abort by the peer in words', () => {
    expect(reasonForError('WSARecv', WSAECONNRESET)).toBe('connection reset by peer (WSAECONNRESET)');
    expect(reasonForError('WSASend', WSAECONNABORTED)).toBe('connection aborted (WSAECONNABORTED)');
  });

  it('describe an error as its message without the closing period, then its name', () => {
    expect(winsockErrorText(WSAECONNREFUSED)).toBe('Connection refused (WSAECONNREFUSED)');
    expect(winsockErrorText(12345)).toBe('Unknown Winsock error 12345 (WSA_ERROR_12345)');
  });
});
