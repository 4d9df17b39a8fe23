// Where WSAOVERLAPPED states live: native blocks of 256, shared by every thread that sees the overlapped.
// A block is reference-counted: each JS ArrayBuffer over it (the creating thread's slab, and the view another
// thread gets when it dequeues a packet of this overlapped from a completion port) holds one reference, and so
// does each port packet that names one of its states, so a packet outlives the thread that issued its operation.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstddef>

#include "core/operation.h"

namespace wsn {

struct StateBlock {
  static constexpr size_t kStates = 256;
  static constexpr size_t kBytes = 8192;     // the alignment too: a state finds its block by masking its address
  static constexpr size_t kFirstState = 64;  // bytes of header before the first state

  std::atomic<uint32_t> references{1};

  static StateBlock* Create();
  static StateBlock* Of(const OverlappedState* state);
  OverlappedState* At(size_t index);
  void Acquire() { references.fetch_add(1, std::memory_order_relaxed); }
  void Release();
};
static_assert(StateBlock::kFirstState + StateBlock::kStates * sizeof(OverlappedState) <= StateBlock::kBytes,
              "a block holds its states");

// An ArrayBuffer over `block` (its reference is taken over: released when the ArrayBuffer is collected).
Napi::ArrayBuffer BlockArrayBuffer(Napi::Env env, StateBlock* block);

}  // namespace wsn
