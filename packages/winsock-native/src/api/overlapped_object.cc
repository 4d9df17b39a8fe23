#include "api/overlapped_object.h"

#include <new>

#include "core/env_state.h"

namespace wsn::api {

// A type tag instead of instanceof: one native check, whatever the prototype chain of a subclass looks like.
static const napi_type_tag kOverlappedTag = {0x4f5645524c415050, 0x4544575341000001};

Napi::Function OverlappedObject::DefineClass(Napi::Env env) { return ObjectWrap::DefineClass(env, "WSAOVERLAPPED", {}); }

constexpr size_t kStateWords = sizeof(OverlappedState) / sizeof(uint32_t);
static_assert(sizeof(OverlappedState) % alignof(OverlappedState) == 0, "states are packed in a slab");
// States per slab: one ArrayBuffer (and one backing store) serves this many WSAOVERLAPPEDs, instead of one each.
constexpr size_t kStatesPerSlab = 256;

// Where the next WSAOVERLAPPED's state goes: a slot in the env's current slab, a new slab when it is full.
// A slab lives as long as any overlapped placed in it.
static Napi::ArrayBuffer StateSlab(Napi::Env env, EnvState& envState, size_t* offset) {
  if (envState.stateSlab.IsEmpty() || envState.stateSlabUsed == kStatesPerSlab) {
    Napi::ArrayBuffer slab = Napi::ArrayBuffer::New(env, kStatesPerSlab * sizeof(OverlappedState));
    // Other threads write into this memory while an operation is pending: it must never move to another owner.
    if (!envState.markAsUntransferable.IsEmpty()) envState.markAsUntransferable.Call({slab});
    envState.stateSlab = Napi::Persistent(slab);
    envState.stateSlabUsed = 0;
  }
  *offset = envState.stateSlabUsed++ * sizeof(OverlappedState);
  return envState.stateSlab.Value();
}

OverlappedObject::OverlappedObject(const Napi::CallbackInfo& info) : ObjectWrap(info) {
  Napi::Env env = info.Env();
  Napi::Object self = info.This().As<Napi::Object>();
  EnvState& envState = GetEnvState(env);
  size_t offset = 0;
  Napi::ArrayBuffer slab = StateSlab(env, envState, &offset);
  state = new (static_cast<char*>(slab.Data()) + offset) OverlappedState();
  // Read-only and fixed: the array keeps the memory alive that pending operations write into.
  napi_property_descriptor stateProperty{nullptr, envState.overlappedStateKey.Value(), nullptr, nullptr, nullptr,
                                         Napi::Uint32Array::New(env, kStateWords, slab, offset), napi_default, nullptr};
  napi_define_properties(env, self, 1, &stateProperty);
  self.Set("Offset", 0);
  self.Set("OffsetHigh", 0);
  self.Set("hEvent", 0);
  napi_type_tag_object(env, self, &kOverlappedTag);
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
  bool isTypedArray = false;
  if (napi_is_typedarray(env, array, &isTypedArray) != napi_ok || !isTypedArray) return nullptr;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_get_typedarray_info(env, array, &type, &length, &data, nullptr, nullptr);
  if (type != napi_uint32_array || length * sizeof(uint32_t) < sizeof(OverlappedState)) return nullptr;
  auto* state = static_cast<OverlappedState*>(data);
  return state->magic == OverlappedState::kMagic ? state : nullptr;
}

}  // namespace wsn::api
