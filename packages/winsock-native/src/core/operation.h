// The record of one overlapped WSARecv / WSASend (architecture.md, rule 1): it owns a copy of the WSABUF array
// and, while the operation is queued, a reference to every JS object the kernel or the completion needs.
#pragma once
#include <node_api.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/codes.h"

namespace wsn {

struct EnvState;

// Same layout as POSIX `struct iovec` (checked in the posix backend) so a slice array goes to readv/sendmsg as is.
struct IoSlice {
  void* base;
  size_t len;
};

// What a WSAOVERLAPPED object shows to JS. Written by whichever thread completes the operation, read by the JS
// thread: `internal` is stored last (release), so a reader that sees a final status also sees the rest.
struct OverlappedState {
  std::atomic<uint32_t> internal{STATUS_SUCCESS};
  std::atomic<uint32_t> internalHigh{0};
  std::atomic<uint32_t> error{0};
  std::atomic<uint32_t> flags{0};
};

enum class OpKind : uint8_t { Recv, Send };

struct Operation {
  OpKind kind = OpKind::Recv;
  EnvState* env = nullptr;            // the JS thread that issued it: completions and routines go back there
  OverlappedState* state = nullptr;   // lives in the WSAOVERLAPPED object, kept alive by overlappedRef
  uint32_t event = 0;                 // hEvent to set on completion (0 = none; ignored when a routine is given)
  uint32_t msgFlags = 0;              // Windows MSG_* flags; the backend converts them in place
  std::vector<IoSlice> slices;        // copy of the caller's WSABUFs (a partial send advances through it)
  size_t nextSlice = 0;               // first slice not fully sent yet
  size_t transferred = 0;
  uint32_t error = 0;                 // WSA error of the completion
  uint32_t resultFlags = 0;

  // JS values of the issuing call, valid only during that call (used to create the references below).
  napi_value overlappedValue = nullptr;
  napi_value routineValue = nullptr;
  std::vector<napi_value> bufferValues;

  // References, created and deleted on the issuing JS thread only.
  std::vector<napi_ref> bufferRefs;
  napi_ref overlappedRef = nullptr;
  napi_ref routineRef = nullptr;

  bool hasRoutine() const { return routineValue != nullptr || routineRef != nullptr; }
  bool holdsReferences() const { return overlappedRef != nullptr; }
};

// Pooled per JS thread so the hot path does not allocate (all three run on the issuing JS thread).
Operation* AcquireOperation(EnvState* env);
void RecycleOperation(Operation* op);  // deletes every reference and returns the record to its pool
void FreeOperationPool(EnvState* env);

// Called by a backend just before it queues `op` (so an immediate completion never pays for references).
void RetainForPending(Operation* op);
// An immediate completion with a routine still needs the overlapped object and the routine, not the buffers.
void RetainForRoutine(Operation* op);

}  // namespace wsn
