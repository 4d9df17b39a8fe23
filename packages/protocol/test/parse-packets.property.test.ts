import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEADER_SIZE } from '../src/packet-header.js';
import { encodePacket, type Packet } from '../src/packet.js';
import { parsePackets } from '../src/parse-packets.js';
import { driveStream, splitAt } from './stream-driver.js';

const MAX_PACKET_SIZE = 256;

const arbitraryPacket: fc.Arbitrary<Packet> = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  body: fc.uint8Array({ maxLength: MAX_PACKET_SIZE - HEADER_SIZE }).map((bytes) => Buffer.from(bytes)),
});

describe('parsePackets over a stream (property)', () => {
  it('yields exactly the packets sent, in order, however the stream is split', () => {
    fc.assert(
      fc.property(fc.array(arbitraryPacket, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 40 }), (sent, cuts) => {
        const stream = Buffer.concat(sent.map(({ id, body }) => encodePacket(id, body)));
        const received: Packet[] = [];
        const tail = driveStream(splitAt(stream, cuts), (buffer) => {
          const { packets, consumed, error } = parsePackets(buffer, MAX_PACKET_SIZE);
          expect(error).toBeUndefined();
          // Copy: the driver, like RecvBuffer, reuses the bytes once they are consumed.
          received.push(...packets.map(({ id, body }) => ({ id, body: Buffer.from(body) })));
          return consumed;
        });
        expect(received).toEqual(sent);
        expect(tail).toHaveLength(0);
      }),
    );
  });
});
