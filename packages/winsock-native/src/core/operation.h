// The record of one overlapped WSARecv / WSASend (architecture.md, rule 1): it owns a copy of the WSABUF array
// and, while the operation is queued, keeps alive every JS object the kernel or the completion needs.
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

// What a WSAOVERLAPPED object shows to JS. It lives in the object's own ArrayBuffer, so JS reads Internal and
// InternalHigh without calling into C++. Written by whichever thread completes the operation, read by the JS
// thread: `internal` is stored last (release), so a reader that sees a final status also sees the rest.
struct OverlappedState {
  std::atomic<uint32_t> internal{STATUS_SUCCESS};
  std::atomic<uint32_t> internalHigh{0};
  std::atomic<uint32_t> error{0};
  std::atomic<uint32_t> flags{0};
  std::atomic<uint32_t> pendingReads{0};  // JS's count of reads that found it pending (lib/binding.ts)
};

enum class OpKind : uint8_t { Recv, Send };

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
  void* socket = nullptr;             // backend's: the socket whose queue holds it while pending

  // JS values of the issuing call, valid only during that call (retained below when the op outlives it).
  napi_value overlappedValue = nullptr;
  napi_value routineValue = nullptr;
  std::vector<napi_value> bufferValues;

  // Retention without a reference per operation: the WSAOVERLAPPED's own wrapper reference is made strong, and
  // the routine and buffers are stored in an array this record owns for its whole pooled life.
  napi_ref overlappedRef = nullptr;   // borrowed from the WSAOVERLAPPED (ObjectWrap); counted up while retained
  bool overlappedRetained = false;
  bool routineRetained = false;
  uint32_t heldBuffers = 0;           // elements 1.. of the holder in use
  napi_ref holderRef = nullptr;       // owned by the record

  bool hasRoutine() const { return routineValue != nullptr || routineRetained; }
  bool holdsReferences() const { return overlappedRetained; }
};

// Pooled per JS thread so the hot path does not allocate (all of these run on the issuing JS thread).
Operation* AcquireOperation(EnvState* env);
void RecycleOperation(Operation* op);  // releases what it retained and returns the record to its pool
void FreeOperationPool(EnvState* env);
// Records acquired and not yet recycled, in every env (getResourceCounts).
uint32_t LiveOperationCount();

// Called just before an operation is queued (so an immediate completion never pays for retention).
void RetainForPending(Operation* op);
// An immediate completion with a routine still needs the overlapped object and the routine, not the buffers.
void RetainForRoutine(Operation* op);
// The retained routine and overlapped, for running the routine (JS thread, inside a handle scope).
napi_value RetainedRoutine(Operation* op);
napi_value RetainedOverlapped(Operation* op);

}  // namespace wsn
