#include "core/port.h"

#include <atomic>

#include "core/codes.h"
#include "core/state_block.h"

namespace wsn {

static std::atomic<uint32_t> livePackets{0};

uint32_t LivePacketCount() { return livePackets.load(std::memory_order_relaxed); }

PortPacket* PostedPacket(uint32_t bytes, CompletionKey key, OverlappedState* state, EnvState* issuer, uint32_t slot) {
  auto* packet = new PortPacket();
  packet->bytes = bytes;
  packet->key = key;
  packet->state = state;
  if (state != nullptr) {
    StateBlock::Of(state)->Acquire();
    packet->issuer = issuer;
    packet->slot = slot;
  }
  livePackets.fetch_add(1, std::memory_order_relaxed);
  return packet;
}

PortPacket* PacketForCompletion(Operation* op, CompletionKey key) {
  PortPacket* packet = PostedPacket(static_cast<uint32_t>(op->transferred), key, op->state, op->env, op->slot);
  packet->error = op->error;
  op->slotMoved = true;  // JS keeps the slot: the dequeue releases it
  return packet;
}

void FreePacket(PortPacket* packet) {
  if (packet->state != nullptr) StateBlock::Of(packet->state)->Release();
  delete packet;
  livePackets.fetch_sub(1, std::memory_order_relaxed);
}

uint32_t Win32ErrorFromWsaError(uint32_t wsaError) {
  switch (wsaError) {
    case kNoError: return 0;
    case WSAECONNRESET: return ERROR_NETNAME_DELETED;
    case WSAECONNABORTED: return ERROR_CONNECTION_ABORTED;
    case WSA_OPERATION_ABORTED: return ERROR_OPERATION_ABORTED;
    case WSAECONNREFUSED: return ERROR_CONNECTION_REFUSED;
    default: return wsaError;  // the rest have no Win32 twin a TCP socket meets: the Winsock code itself
  }
}

}  // namespace wsn
