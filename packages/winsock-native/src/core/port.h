// What a completion port holds: packets. One is queued for each completion on an associated socket and for each
// PostQueuedCompletionStatus; GetQueuedCompletionStatus(Ex) hands them out FIFO. The queue itself is the
// backend's (a process-wide emulation on Linux, the real port on Windows); the packet is the same everywhere.
#pragma once
#include <cstdint>

#include "core/operation.h"

namespace wsn {

struct EnvState;

// Win32 codes the completion-port functions report through GetLastError() (winerror.h).
constexpr uint32_t ERROR_INVALID_HANDLE = 6;
constexpr uint32_t ERROR_NETNAME_DELETED = 64;
constexpr uint32_t ERROR_INVALID_PARAMETER = 87;
constexpr uint32_t ERROR_INSUFFICIENT_BUFFER = 122;
constexpr uint32_t WAIT_TIMEOUT = 258;
constexpr uint32_t ERROR_ABANDONED_WAIT_0 = 735;
constexpr uint32_t ERROR_OPERATION_ABORTED = 995;
constexpr uint32_t ERROR_IO_PENDING = 997;
constexpr uint32_t ERROR_NOT_FOUND = 1168;
constexpr uint32_t ERROR_CONNECTION_REFUSED = 1225;
constexpr uint32_t ERROR_CONNECTION_ABORTED = 1236;

constexpr uint32_t FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 1;
constexpr uint32_t FILE_SKIP_SET_EVENT_ON_HANDLE = 2;
constexpr uint32_t TF_DISCONNECT = 1;
constexpr uint32_t TF_REUSE_SOCKET = 2;

struct StateBlock;

struct PortPacket {
  uint32_t bytes = 0;
  CompletionKey key;
  uint32_t error = 0;                 // the operation's WSA error (0: success; posted packets are successes)
  OverlappedState* state = nullptr;   // nullptr: posted without an overlapped
  // The thread whose slot table holds the overlapped (the very object it passed in), and the slot; nullptr
  // once that thread is gone. Any other thread that dequeues the packet gets its own view of the state.
  EnvState* issuer = nullptr;
  uint32_t slot = 0;
  PortPacket* next = nullptr;         // the backend's queue
};

// A packet for `op`'s completion under `key`: it takes over op's slot (op->slotMoved) and a reference to the
// state's block (released by FreePacket).
PortPacket* PacketForCompletion(Operation* op, CompletionKey key);
// A posted packet; `state` may be nullptr. With a state, `issuer`'s `slot` holds the overlapped.
PortPacket* PostedPacket(uint32_t bytes, CompletionKey key, OverlappedState* state, EnvState* issuer, uint32_t slot);
void FreePacket(PortPacket* packet);
uint32_t LivePacketCount();

// What GetQueuedCompletionStatus reports through GetLastError() for a failed operation (measured on Windows:
// reset 64, own close 1236, cancelled 995, refused 1225).
uint32_t Win32ErrorFromWsaError(uint32_t wsaError);

}  // namespace wsn
