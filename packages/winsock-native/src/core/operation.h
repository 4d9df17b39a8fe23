// The record of one overlapped WSARecv / WSASend (architecture.md, rule 1): it owns a copy of the WSABUF array
// and, while the operation is queued, keeps alive every JS object the kernel or the completion needs.
#pragma once

#include <atomic>
#include <memory>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/codes.h"

namespace wsn {

struct EnvState;

// A ULONG_PTR as JS gave it: a number comes back a number, a bigint a bigint.
struct CompletionKey {
  uint64_t value = 0;
  bool isBigInt = false;
};

// Same layout as POSIX `struct iovec` (checked in the posix backend) so a slice array goes to readv/sendmsg as is.
struct IoSlice {
  void* base;
  size_t len;
};

// What a WSAOVERLAPPED object shows to JS. It lives in the object's own ArrayBuffer, so JS reads Internal and
// InternalHigh without calling into C++. Written by whichever thread completes the operation, read by the JS
// thread: `internal` is stored last (release), so a reader that sees a final status also sees the rest.
struct OverlappedState {
  static constexpr uint32_t kMagic = 0x4f564c44;  // tells a state array from any other Uint32Array
  std::atomic<uint32_t> internal{STATUS_SUCCESS};
  std::atomic<uint32_t> internalHigh{0};
  std::atomic<uint32_t> error{0};
  std::atomic<uint32_t> flags{0};
  std::atomic<uint32_t> pendingReads{0};  // JS's count of reads that found it pending (lib/binding.ts)
  uint32_t magic = kMagic;
};

// Recv / Send: WSARecv / WSASend. Accept: AcceptEx (slices[0] is its output buffer). Connect: ConnectEx
// (slices: the data to send once connected). Disconnect: DisconnectEx.
enum class OpKind : uint8_t { Recv, Send, Accept, Connect, Disconnect };

// What AcceptEx / ConnectEx / DisconnectEx carry besides the buffers.
struct ExtensionArgs {
  uint32_t acceptSocket = 0;    // AcceptEx: the socket that becomes the connection
  uint32_t receiveLength = 0;   // AcceptEx: bytes of slices[0] for the first data (the addresses follow)
  uint32_t localLength = 0, remoteLength = 0;  // AcceptEx: the address slots
  uint16_t port = 0;            // ConnectEx: where to, network byte order
  uint32_t address = 0;
  uint32_t flags = 0;           // DisconnectEx: TF_REUSE_SOCKET
};

struct Operation {
  OpKind kind = OpKind::Recv;
  EnvState* env = nullptr;            // the JS thread that issued it: completions and routines go back there
  OverlappedState* state = nullptr;   // lives in the WSAOVERLAPPED object, kept alive while retained
  uint32_t event = 0;                 // hEvent to set on completion (0 = none; ignored when a routine is given)
  uint32_t msgFlags = 0;              // Windows MSG_* flags; the backend converts them in place
  std::vector<IoSlice> slices;        // copy of the caller's WSABUFs (a partial send advances through it)
  size_t nextSlice = 0;               // first slice not fully sent yet
  size_t transferred = 0;
  uint32_t error = 0;                 // WSA error of the completion
  uint32_t resultFlags = 0;
  ExtensionArgs extension;            // Accept / Connect / Disconnect only
  bool announcePending = false;       // done at once, but the call reports WSA_IO_PENDING (AcceptEx, DisconnectEx)
  // Where the completion is queued (the backend's port), under which key; noPacket: hEvent had its low bit set.
  std::shared_ptr<void> port;
  CompletionKey key;
  bool noPacket = false;
  bool plain = false;                 // a call without an OVERLAPPED (DisconnectEx): done in the call, nothing announced
  void* socket = nullptr;             // backend's: the socket whose queue holds it while pending
  Operation* next = nullptr;          // backend's: the next operation in that queue

  // The caller's slot in lib/completions.ts, where JS keeps the overlapped, the routine and the buffers alive
  // while the operation may still complete: released by the delivery that announces the completion.
  uint32_t slot = 0;
  bool withRoutine = false;
  bool retained = false;              // the slot stays held past the issuing call (pending, or a routine owed)
  bool slotMoved = false;             // a port packet took the slot over: the packet's dequeue releases it

  bool hasRoutine() const { return withRoutine; }
  bool holdsReferences() const { return retained; }
};

// Pooled per JS thread so the hot path does not allocate (all of these run on the issuing JS thread).
Operation* AcquireOperation(EnvState* env);
void RecycleOperation(Operation* op);  // releases what it retained and returns the record to its pool
void FreeOperationPool(EnvState* env);
// Records acquired and not yet recycled, in every env (getResourceCounts).
uint32_t LiveOperationCount();

// Called when an operation outlives its issuing call: it pends, or it completed at once with a routine to run.
// Its slot is then released by a delivery on its thread, never by the caller.
// It also holds the state's memory: the thread that issued it may be torn down (its ArrayBuffers finalized)
// before the operation is taken out of a socket another thread drains.
void RetainPastCall(Operation* op);

}  // namespace wsn
