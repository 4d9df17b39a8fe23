// WSAOVERLAPPED: a native-backed, subclassable JS class. Its completion state (Internal, InternalHigh, ...) lives
// in an ArrayBuffer of its own that JS reads directly (lib/binding.ts defines the Internal / InternalHigh
// getters over it); Offset, OffsetHigh and hEvent are plain properties (hEvent is read at each start).
#pragma once
#include <napi.h>

#include "core/operation.h"

namespace wsn::api {

class OverlappedObject : public Napi::ObjectWrap<OverlappedObject> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit OverlappedObject(const Napi::CallbackInfo& info);
  // This thread's WSAOVERLAPPED over `state`, which another thread's overlapped owns (see lib/ports.ts).
  static Napi::Object NewView(Napi::Env env, OverlappedState* state);

  OverlappedState* state = nullptr;  // in the ArrayBuffer kept by the object's state property
};

// The WSAOVERLAPPED behind `value` (a WSAOVERLAPPED or subclass instance), or nullptr.
OverlappedObject* UnwrapOverlapped(Napi::Env env, Napi::Value value);
// The same when the caller already knows typeof `value`.
OverlappedObject* UnwrapOverlapped(Napi::Env env, Napi::Value value, napi_valuetype type);
// The state behind a WSAOVERLAPPED's state array (lib/binding.ts reads it as `overlapped[stateKey]`), or nullptr
// for any other value.
OverlappedState* StateFromArray(napi_env env, napi_value array);

}  // namespace wsn::api
