/** The ids this protocol defines. */
export enum PacketId {
  Hello = 1,
  Echo = 2,
  Chat = 3,
}
