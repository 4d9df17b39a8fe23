#include "api/overlapped_object.h"

#include "core/env_state.h"

namespace wsn::api {

Napi::Function OverlappedObject::DefineClass(Napi::Env env) {
  return ObjectWrap::DefineClass(env, "WSAOVERLAPPED",
                                 {InstanceAccessor<&OverlappedObject::GetInternal>("Internal"),
                                  InstanceAccessor<&OverlappedObject::GetInternalHigh>("InternalHigh")});
}

OverlappedObject::OverlappedObject(const Napi::CallbackInfo& info) : ObjectWrap(info) {
  Napi::Object self = info.This().As<Napi::Object>();
  self.Set("Offset", 0);
  self.Set("OffsetHigh", 0);
  self.Set("hEvent", 0);
}

Napi::Value OverlappedObject::GetInternal(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), state.internal.load(std::memory_order_acquire));
}

Napi::Value OverlappedObject::GetInternalHigh(const Napi::CallbackInfo& info) {
  // Ordered after Internal: a reader that saw the final status sees the final byte count.
  state.internal.load(std::memory_order_acquire);
  return Napi::Number::New(info.Env(), state.internalHigh.load(std::memory_order_relaxed));
}

OverlappedObject* UnwrapOverlapped(Napi::Env env, Napi::Value value) {
  return UnwrapOverlapped(env, value, value.Type());
}

OverlappedObject* UnwrapOverlapped(Napi::Env env, Napi::Value value, napi_valuetype type) {
  if (type != napi_object && type != napi_function) return nullptr;
  Napi::Object object = value.As<Napi::Object>();
  if (!object.InstanceOf(GetEnvState(env).overlappedClass.Value())) return nullptr;
  return OverlappedObject::Unwrap(object);
}

}  // namespace wsn::api
