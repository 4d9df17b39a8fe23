#include "core/state_block.h"

#include <cstdint>
#include <cstdlib>
#include <new>
#ifdef _WIN32
#include <malloc.h>
#endif

namespace wsn {

#ifdef _WIN32
static void* AlignedAlloc(size_t bytes) { return _aligned_malloc(bytes, bytes); }
static void AlignedFree(void* memory) { _aligned_free(memory); }
#else
static void* AlignedAlloc(size_t bytes) { return std::aligned_alloc(bytes, bytes); }
static void AlignedFree(void* memory) { std::free(memory); }
#endif

StateBlock* StateBlock::Create() {
  void* memory = AlignedAlloc(kBytes);
  if (memory == nullptr) throw std::bad_alloc();
  return new (memory) StateBlock();
}

StateBlock* StateBlock::Of(const OverlappedState* state) {
  return reinterpret_cast<StateBlock*>(reinterpret_cast<uintptr_t>(state) & ~(uintptr_t{kBytes} - 1));
}

OverlappedState* StateBlock::At(size_t index) {
  return reinterpret_cast<OverlappedState*>(reinterpret_cast<char*>(this) + kFirstState) + index;
}

void StateBlock::Release() {
  if (references.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  this->~StateBlock();
  AlignedFree(this);
}

Napi::ArrayBuffer BlockArrayBuffer(Napi::Env env, StateBlock* block) {
  return Napi::ArrayBuffer::New(env, block, StateBlock::kBytes,
                                [](Napi::Env, void*, StateBlock* owner) { owner->Release(); }, block);
}

}  // namespace wsn
