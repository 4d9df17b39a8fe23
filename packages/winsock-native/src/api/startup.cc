// WSAStartup / WSACleanup / WSAGetLastError / WSASetLastError.
#include "api/api.h"
#include "api/marshal.h"
#include "core/env_state.h"

namespace wsn::api {

constexpr uint32_t kHighestVersion = 0x0202;  // MAKEWORD(2, 2)

static Napi::Value WSAStartup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t requested = ToUint32({info, "WSAStartup", 0, "wVersionRequested"}) & 0xffff;
  Arg dataArg{info, "WSAStartup", 1, "lpWSAData"};
  Napi::Object data = dataArg.isNullish() ? Napi::Object() : ToObject(dataArg);
  const uint32_t major = requested & 0xff, minor = requested >> 8;
  if (major < 1) return Napi::Number::New(env, WSAVERNOTSUPPORTED);  // WSAStartup returns its error
  const uint32_t granted = (major > 2 || (major == 2 && minor >= 2)) ? kHighestVersion : requested;
  backend::Startup();
  if (!data.IsEmpty()) {
    data.Set("wVersion", granted);
    data.Set("wHighVersion", kHighestVersion);
    data.Set("szDescription", "WinSock 2.0");
    data.Set("szSystemStatus", "Running");
  }
  return Napi::Number::New(env, 0);
}

static Napi::Value WSACleanup(const Napi::CallbackInfo& info) {
  return FailSocket(info.Env(), backend::Cleanup());
}

static Napi::Value WSAGetLastError(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), GetEnvState(info.Env()).words[kLastError]);
}

static Napi::Value WSASetLastError(const Napi::CallbackInfo& info) {
  SetLastError(info.Env(), ToUint32({info, "WSASetLastError", 0, "iError"}));
  return info.Env().Undefined();
}

void RegisterStartup(Napi::Env env, Napi::Object exports) {
  Export<WSAStartup>(env, exports, "WSAStartup");
  Export<WSACleanup>(env, exports, "WSACleanup");
  Export<WSAGetLastError>(env, exports, "WSAGetLastError");
  Export<WSASetLastError>(env, exports, "WSASetLastError");
}

}  // namespace wsn::api
