// WSACreateEvent / WSACloseEvent / WSASetEvent / WSAResetEvent.
#include "api/api.h"
#include "api/marshal.h"
#include "core/env_state.h"

namespace wsn::api {

static Napi::Value WSACreateEvent(const Napi::CallbackInfo& info) {
  uint32_t handle;
  backend::CreateEvent(&GetEnvState(info.Env()), &handle);
  return Napi::Number::New(info.Env(), handle);
}

// The three others share one shape: (hEvent) -> BOOL.
template <uint32_t (*Call)(uint32_t)>
static Napi::Value EventCall(const Napi::CallbackInfo& info, const char* function) {
  Napi::Env env = info.Env();
  return FailBool(env, Call(ToUint32({info, function, 0, "hEvent"})));
}

static Napi::Value WSACloseEvent(const Napi::CallbackInfo& info) {
  return EventCall<backend::CloseEvent>(info, "WSACloseEvent");
}
static Napi::Value WSASetEvent(const Napi::CallbackInfo& info) {
  return EventCall<backend::SetEvent>(info, "WSASetEvent");
}
static Napi::Value WSAResetEvent(const Napi::CallbackInfo& info) {
  return EventCall<backend::ResetEvent>(info, "WSAResetEvent");
}

void RegisterEvents(Napi::Env env, Napi::Object exports) {
  Export<WSACreateEvent>(env, exports, "WSACreateEvent");
  Export<WSACloseEvent>(env, exports, "WSACloseEvent");
  Export<WSASetEvent>(env, exports, "WSASetEvent");
  Export<WSAResetEvent>(env, exports, "WSAResetEvent");
}

}  // namespace wsn::api
