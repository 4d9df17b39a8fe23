#include "core/port.h"

#include <atomic>
#include <vector>

#include "core/codes.h"
#include "core/state_block.h"

namespace wsn {

static std::atomic<uint32_t> livePackets{0};

uint32_t LivePacketCount() { return livePackets.load(std::memory_order_relaxed); }

// Packets freed on a thread are kept for its next ones: a busy port makes and frees one per message. Per
// thread, so no lock; a packet freed on another thread than the one that made it just joins that one's cache.
namespace {
constexpr size_t kCachedPacketsPerThread = 1024;

struct PacketCache {
  std::vector<PortPacket*> free;
  ~PacketCache() {
    for (PortPacket* packet : free) delete packet;
  }
};
thread_local PacketCache packetCache;
}  // namespace

PortPacket* PostedPacket(uint32_t bytes, CompletionKey key, OverlappedState* state, EnvState* issuer, uint32_t slot) {
  PortPacket* packet;
  if (packetCache.free.empty()) {
    packet = new PortPacket();
  } else {
    packet = packetCache.free.back();
    packetCache.free.pop_back();
    *packet = PortPacket();
  }
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
  if (packetCache.free.size() < kCachedPacketsPerThread) {
    packetCache.free.push_back(packet);
  } else {
    delete packet;
  }
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
