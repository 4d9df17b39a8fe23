// A WSAOVERLAPPED's completion state as JS sees it: a Uint32Array over the native OverlappedState
// (src/core/operation.h), kept under a symbol the addon creates. One layout for every reader.
export const INTERNAL = 0;
export const INTERNAL_HIGH = 1;
export const ERROR = 2;
export const FLAGS = 3;
export const PENDING_READS = 4;

/** The state array of `overlapped`, kept under `key` (the binding's overlappedStateKey). */
export function stateOf(overlapped: object, key: symbol): Uint32Array {
  return (overlapped as Record<symbol, Uint32Array>)[key]!;
}
