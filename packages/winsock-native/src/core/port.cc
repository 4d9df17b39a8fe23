#include "core/port.h"

#include <atomic>
#include <mutex>
#include <vector>

#include "core/codes.h"
#include "core/state_block.h"

namespace wsn {

static std::atomic<uint32_t> livePackets{0};

uint32_t LivePacketCount() { return livePackets.load(std::memory_order_relaxed); }

// Freed packets are kept for the next ones: a busy port makes and frees one per message. One process-wide
// cache under its own lock (packets are made and freed on any thread); not a thread_local one, whose destructor
// would run at thread exit, which MinGW's runtime does under the loader lock: a process exit under Wine hung.
namespace {
constexpr size_t kCachedPackets = 4096;

std::mutex& PacketCacheMutex() {
  static auto* mutex = new std::mutex();  // never destroyed: packets may be freed during static destruction
  return *mutex;
}
std::vector<PortPacket*>& PacketCache() {
  static auto* cache = new std::vector<PortPacket*>();
  return *cache;
}
}  // namespace

PortPacket* PostedPacket(uint32_t bytes, CompletionKey key, OverlappedState* state, EnvState* issuer, uint32_t slot) {
  PortPacket* packet = nullptr;
  {
    std::lock_guard<std::mutex> lock(PacketCacheMutex());
    if (!PacketCache().empty()) {
      packet = PacketCache().back();
      PacketCache().pop_back();
    }
  }
  if (packet == nullptr) {
    packet = new PortPacket();
  } else {
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
  {
    std::lock_guard<std::mutex> lock(PacketCacheMutex());
    if (PacketCache().size() < kCachedPackets) {
      PacketCache().push_back(packet);
      packet = nullptr;
    }
  }
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
