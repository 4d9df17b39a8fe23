import { describeError } from '@overlapped/winsock-native';

/**
 * "Overlapped operation aborted (WSA_OPERATION_ABORTED)": Winsock's message for `errno`, then its name so it
 * can be searched for. The message's closing period is dropped: it would sit before the parenthesis.
 */
export function winsockErrorText(errno: number): string {
  const { code, message } = describeError(errno);
  return `${message.replace(/\.$/, '')} (${code})`;
}
