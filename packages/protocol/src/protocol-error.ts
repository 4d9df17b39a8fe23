/**
 * The peer broke the protocol (an unknown packet id, a malformed body). Thrown by decoders and by
 * PacketHandlerTable; PacketSession turns it into a disconnect instead of a reported failure.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}
