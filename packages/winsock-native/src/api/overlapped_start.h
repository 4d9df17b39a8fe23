// Starting an overlapped operation, shared by WSARecv / WSASend (overlapped.cc) and AcceptEx / ConnectEx /
// DisconnectEx (extensions.cc).
#pragma once
#include <napi.h>

#include "api/marshal.h"
#include "core/env_state.h"
#include "core/operation.h"

namespace wsn::api {

// Recycles an operation record unless ownership moved on (to the backend, or to a queue).
class OperationGuard {
 public:
  explicit OperationGuard(Operation* op) : op_(op) {}
  ~OperationGuard() {
    if (op_ != nullptr) RecycleOperation(op_);
  }
  void release() { op_ = nullptr; }

 private:
  Operation* op_;
};

// One WSABUF (or Buffer) as a slice. Returns a WSA error for a bad length or a detached buffer.
// `backingOut` (optional) receives the ArrayBuffer behind the view.
uint32_t ReadSlice(const Arg& arg, Napi::Value buffer, uint32_t length, IoSlice* slice, napi_value* backingOut = nullptr);
// Marks the ArrayBuffer behind a buffer a pending operation uses untransferable (once).
void KeepAttached(Napi::Env env, napi_value backing);

// What starting an overlapped operation needs, however the call arrived.
struct OverlappedStart {
  OpKind kind;
  uint32_t socket;
  uint32_t flags;            // Windows MSG_* flags in
  OverlappedState* state;
  uint32_t slot;             // where JS holds the overlapped, the routine and the buffers (lib/completions.ts)
  uint32_t event;            // hEvent (its low bit: no port packet); ignored with a routine
  bool withRoutine;
};

// Starts `op` (its slices, buffers and op->extension already read). Returns kNoError if it completed at once
// (announced exactly as a late completion would be), WSA_IO_PENDING, or the error of an immediate failure
// (nothing will ever be signalled for it). Writes the env's kStart* words; the caller reads the immediate
// out-parameters from there, never from the state (see ThreadWord).
uint32_t StartOverlapped(const OverlappedStart& start, Operation* op, OperationGuard& guard);

}  // namespace wsn::api
