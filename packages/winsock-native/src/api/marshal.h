// Argument checking and JS <-> C marshalling shared by the API families. A wrong JS type is a programming
// error and throws a TypeError naming the function and the argument; Winsock-level failures never throw.
#pragma once
#include <napi.h>

#include <cstdint>

#include "backend/backend.h"

namespace wsn::api {

// Identifies the argument being checked, for error messages: "WSARecv: lpFlags must be a DWORD".
struct Arg {
  const Napi::CallbackInfo& info;
  const char* function;
  size_t index;
  const char* name;
  Napi::Value value() const { return info[index]; }
  napi_valuetype type() const { return value().Type(); }  // one napi_typeof; the checks below share it
  bool isNullish() const { return IsNullish(type()); }
  static bool IsNullish(napi_valuetype type) { return type == napi_null || type == napi_undefined; }
  [[noreturn]] void fail(const char* expected) const;
};

uint32_t ToUint32(const Arg& arg);  // numbers; -1 (INVALID_SOCKET) becomes 0xFFFFFFFF
int32_t ToInt32(const Arg& arg);
bool ToBool(const Arg& arg);        // a boolean or a C BOOL number
Napi::Object ToObject(const Arg& arg);
Napi::Array ToArray(const Arg& arg);
// An out-parameter box ({ value: number }): DWORD or INT. Nullish -> empty object when `optional`.
Napi::Object ToBox(const Arg& arg, bool optional = false);
uint32_t BoxValue(const Arg& arg, Napi::Object box);
void SetBox(Napi::Object box, double value);
// A nullish argument gives an empty function; anything else must be a function.
Napi::Function ToOptionalFunction(const Arg& arg);

backend::SockAddrIn ToSockAddr(const Arg& arg);
void WriteSockAddr(Napi::Env env, Napi::Object target, const backend::SockAddrIn& name);
constexpr uint32_t kSockAddrInSize = 16;

// Sets the calling thread's last error and returns `result` (SOCKET_ERROR, false, WSA_WAIT_FAILED, ...).
Napi::Value Fail(Napi::Env env, uint32_t error, Napi::Value result);
Napi::Value FailSocket(Napi::Env env, uint32_t error);  // SOCKET_ERROR (-1), or 0 on success
Napi::Value FailBool(Napi::Env env, uint32_t error);    // FALSE, or TRUE on success (a BOOL function)
void SetLastError(Napi::Env env, uint32_t error);

constexpr int32_t kSocketError = -1;

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, F, name));
}

}  // namespace wsn::api
