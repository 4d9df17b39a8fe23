import { performance } from 'node:perf_hooks';
import { STAMP_SIZE } from './cli-args.js';

/** `char sendBuffer[100] = "Hello World";`: the text, then zeros up to `size` bytes. */
export function lecturePayload(message: string, size: number): Buffer {
  const buffer = Buffer.alloc(size);
  buffer.write(message, 'utf8');
  return buffer;
}

/**
 * A copy of `template` whose last 8 bytes hold the send time (ms on the monotonic clock, float64 LE). The
 * echo brings it back, so the round trip is measured from the message itself: no bookkeeping of what is in
 * flight, and it works whatever the receive boundaries are. A copy per send, because the send queue keeps
 * each buffer by reference until it is sent.
 */
export function stampedPayload(template: Buffer): Buffer {
  const payload = Buffer.from(template);
  payload.writeDoubleLE(performance.now(), payload.length - STAMP_SIZE);
  return payload;
}

/** Milliseconds since the stamped message was sent. */
export function roundTripMs(echoed: Buffer): number {
  return performance.now() - echoed.readDoubleLE(echoed.length - STAMP_SIZE);
}
