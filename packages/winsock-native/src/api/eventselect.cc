// WSAEventSelect / WSAEnumNetworkEvents.
#include "api/api.h"
#include "api/marshal.h"

namespace wsn::api {

static Napi::Value WSAEventSelect(const Napi::CallbackInfo& info) {
  uint32_t s = ToUint32({info, "WSAEventSelect", 0, "s"});
  uint32_t event = ToUint32({info, "WSAEventSelect", 1, "hEventObject"});
  uint32_t mask = ToUint32({info, "WSAEventSelect", 2, "lNetworkEvents"});
  return FailSocket(info.Env(), backend::EventSelect(s, event, mask));
}

static Napi::Value WSAEnumNetworkEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, "WSAEnumNetworkEvents", 0, "s"});
  uint32_t event = ToUint32({info, "WSAEnumNetworkEvents", 1, "hEventObject"});
  Napi::Object target = ToObject({info, "WSAEnumNetworkEvents", 2, "lpNetworkEvents"});
  uint32_t recorded = 0;
  int32_t errors[FD_MAX_EVENTS];
  uint32_t error = backend::EnumNetworkEvents(s, event, &recorded, errors);
  if (error != kNoError) return FailSocket(env, error);
  Napi::Array codes = Napi::Array::New(env, FD_MAX_EVENTS);
  for (uint32_t i = 0; i < FD_MAX_EVENTS; i++) codes.Set(i, errors[i]);
  target.Set("lNetworkEvents", recorded);
  target.Set("iErrorCode", codes);
  return FailSocket(env, kNoError);
}

void RegisterEventSelect(Napi::Env env, Napi::Object exports) {
  Export<WSAEventSelect>(env, exports, "WSAEventSelect");
  Export<WSAEnumNetworkEvents>(env, exports, "WSAEnumNetworkEvents");
}

}  // namespace wsn::api
