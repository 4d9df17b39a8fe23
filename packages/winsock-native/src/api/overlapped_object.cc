#include "api/overlapped_object.h"

#include <new>

#include "core/state_block.h"

#include "core/env_state.h"

namespace wsn::api {

// A type tag instead of instanceof: one native check, whatever the prototype chain of a subclass looks like.
static const napi_type_tag kOverlappedTag = {0x4f5645524c415050, 0x4544575341000001};

Napi::Function OverlappedObject::DefineClass(Napi::Env env) {
  Napi::Function constructor = ObjectWrap::DefineClass(env, "WSAOVERLAPPED", {});
  GetEnvState(env).overlappedClass = Napi::Persistent(constructor);
  return constructor;
}

constexpr size_t kStateWords = sizeof(OverlappedState) / sizeof(uint32_t);
static_assert(sizeof(OverlappedState) % alignof(OverlappedState) == 0, "states are packed in a block");

// An ArrayBuffer over `block` (taking one of its references). Other threads write into this memory while an
// operation is pending: it must never move to another owner.
static Napi::ArrayBuffer NewSlab(Napi::Env env, EnvState& envState, StateBlock* block) {
  Napi::ArrayBuffer slab = BlockArrayBuffer(env, block);
  if (!envState.markAsUntransferable.IsEmpty()) envState.markAsUntransferable.Call({slab});
  return slab;
}

// Where the next WSAOVERLAPPED's state goes: a slot in the env's current block, a new block when it is full.
// The ArrayBuffer over a block lives as long as any overlapped placed in it.
static Napi::ArrayBuffer StateSlab(Napi::Env env, EnvState& envState, OverlappedState** state) {
  if (envState.stateSlab.IsEmpty() || envState.stateSlabUsed == StateBlock::kStates) {
    envState.stateBlock = StateBlock::Create();
    envState.stateSlab = Napi::Persistent(NewSlab(env, envState, envState.stateBlock));
    envState.stateSlabUsed = 0;
  }
  *state = new (envState.stateBlock->At(envState.stateSlabUsed++)) OverlappedState();
  return envState.stateSlab.Value();
}

// A view: the WSAOVERLAPPED another thread's operation was issued with, as this thread sees it (a port packet of
// it was dequeued here). Same state memory, a new ArrayBuffer over its block.
struct ViewSource {
  OverlappedState* state;
};
static const napi_type_tag kViewSourceTag = {0x4f5645524c415050, 0x4544575341000002};

OverlappedObject::OverlappedObject(const Napi::CallbackInfo& info) : ObjectWrap(info) {
  Napi::Env env = info.Env();
  Napi::Object self = info.This().As<Napi::Object>();
  EnvState& envState = GetEnvState(env);
  Napi::ArrayBuffer slab;
  bool isView = false;
  if (info.Length() > 0 && info[0].IsExternal()) {
    napi_check_object_type_tag(env, info[0], &kViewSourceTag, &isView);
  }
  if (isView) {
    state = info[0].As<Napi::External<ViewSource>>().Data()->state;
    StateBlock* block = StateBlock::Of(state);
    block->Acquire();
    slab = NewSlab(env, envState, block);
  } else {
    slab = StateSlab(env, envState, &state);
  }
  const size_t offset = reinterpret_cast<char*>(state) - static_cast<char*>(slab.Data());
  // Read-only and fixed: the array keeps the memory alive that pending operations write into.
  napi_property_descriptor stateProperty{nullptr, envState.overlappedStateKey.Value(), nullptr, nullptr, nullptr,
                                         Napi::Uint32Array::New(env, kStateWords, slab, offset), napi_default, nullptr};
  napi_define_properties(env, self, 1, &stateProperty);
  self.Set("Offset", 0);
  self.Set("OffsetHigh", 0);
  self.Set("hEvent", 0);
  napi_type_tag_object(env, self, &kOverlappedTag);
}

Napi::Object OverlappedObject::NewView(Napi::Env env, OverlappedState* state) {
  ViewSource source{state};
  Napi::External<ViewSource> external = Napi::External<ViewSource>::New(env, &source);
  napi_type_tag_object(env, external, &kViewSourceTag);
  return GetEnvState(env).overlappedClass.Value().New({external});
}

OverlappedObject* UnwrapOverlapped(Napi::Env env, Napi::Value value) {
  return UnwrapOverlapped(env, value, value.Type());
}

OverlappedObject* UnwrapOverlapped(Napi::Env env, Napi::Value value, napi_valuetype type) {
  if (type != napi_object && type != napi_function) return nullptr;
  bool tagged = false;
  napi_check_object_type_tag(env, value, &kOverlappedTag, &tagged);
  if (!tagged) return nullptr;
  void* wrapped = nullptr;
  // A subclass whose constructor threw before super() returned has the tag but no wrapped object yet.
  if (napi_unwrap(env, value, &wrapped) != napi_ok) return nullptr;
  return static_cast<OverlappedObject*>(wrapped);
}

OverlappedState* StateFromArray(napi_env env, napi_value array) {
  // The element type is not asked for (that walks V8's dozen Is*Array checks, on every WSARecv / WSASend): the
  // bound is the ArrayBuffer's, so whatever view comes, nothing outside its memory is read.
  size_t length = 0, offset = 0, bytes = 0;
  void* data = nullptr;
  void* base = nullptr;
  napi_value backing = nullptr;
  if (napi_get_typedarray_info(env, array, nullptr, &length, &data, &backing, &offset) != napi_ok) return nullptr;
  if (napi_get_arraybuffer_info(env, backing, &base, &bytes) != napi_ok) return nullptr;
  if (offset + sizeof(OverlappedState) > bytes || reinterpret_cast<uintptr_t>(data) % alignof(OverlappedState) != 0) {
    return nullptr;
  }
  auto* state = static_cast<OverlappedState*>(data);
  return state->magic == OverlappedState::kMagic ? state : nullptr;
}

}  // namespace wsn::api
