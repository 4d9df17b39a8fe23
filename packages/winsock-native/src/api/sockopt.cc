// setsockopt / getsockopt. optval may be a number, a DWORD/INT box, a LINGER or a Buffer laid out as in C.
#include "api/api.h"
#include "api/marshal.h"

namespace wsn::api {

constexpr uint32_t kIntSize = 4, kLingerSize = 4;  // sizeof(int), sizeof(LINGER) = 2 x u_short

static bool IsLinger(int level, int name) { return level == WS_SOL_SOCKET && name == WS_SO_LINGER; }

static Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, "setsockopt", 0, "s"});
  int level = ToInt32({info, "setsockopt", 1, "level"});
  int name = ToInt32({info, "setsockopt", 2, "optname"});
  Arg valueArg{info, "setsockopt", 3, "optval"};
  int32_t length = ToInt32({info, "setsockopt", 4, "optlen"});
  const bool linger = IsLinger(level, name);
  backend::OptionValue value;
  if (level == WS_SOL_SOCKET && name == WS_SO_UPDATE_CONNECT_CONTEXT) {  // takes no value: (s, ..., NULL, 0)
    return FailSocket(env, backend::SetSockOpt(s, level, name, value));
  }
  if (length < static_cast<int32_t>(linger ? kLingerSize : 1)) return FailSocket(env, WSAEFAULT);
  Napi::Value v = valueArg.value();
  if (v.IsTypedArray()) {
    Napi::Uint8Array bytes = v.As<Napi::Uint8Array>();
    if (bytes.ByteLength() < static_cast<size_t>(length)) return FailSocket(env, WSAEFAULT);
    const uint8_t* data = bytes.Data();
    if (linger) {
      value.linger = {static_cast<uint16_t>(data[0] | data[1] << 8), static_cast<uint16_t>(data[2] | data[3] << 8)};
    } else {
      for (int32_t i = static_cast<int32_t>(length < 4 ? length : 4) - 1; i >= 0; i--) {
        value.integer = (value.integer << 8) | data[i];  // little endian, as Windows lays out an int
      }
    }
  } else if (linger) {
    if (!v.IsObject()) valueArg.fail("a LINGER or a Buffer");
    Napi::Object object = v.As<Napi::Object>();
    Napi::Value onoff = object.Get("l_onoff"), seconds = object.Get("l_linger");
    if (!onoff.IsNumber() || !seconds.IsNumber()) valueArg.fail("a LINGER { l_onoff, l_linger }");
    value.linger = {static_cast<uint16_t>(onoff.As<Napi::Number>().Uint32Value()),
                    static_cast<uint16_t>(seconds.As<Napi::Number>().Uint32Value())};
  } else if (v.IsNumber()) {
    value.integer = v.As<Napi::Number>().Int32Value();
  } else if (v.IsBoolean()) {
    value.integer = v.As<Napi::Boolean>().Value() ? 1 : 0;
  } else {
    value.integer = static_cast<int32_t>(BoxValue(valueArg, ToBox(valueArg)));
  }
  return FailSocket(env, backend::SetSockOpt(s, level, name, value));
}

static Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, "getsockopt", 0, "s"});
  int level = ToInt32({info, "getsockopt", 1, "level"});
  int name = ToInt32({info, "getsockopt", 2, "optname"});
  Arg valueArg{info, "getsockopt", 3, "optval"};
  Napi::Object target = ToObject(valueArg);
  Arg lengthArg{info, "getsockopt", 4, "optlen"};
  Napi::Object length = ToBox(lengthArg);
  const bool linger = IsLinger(level, name);
  const uint32_t size = linger ? kLingerSize : kIntSize;
  if (BoxValue(lengthArg, length) < size) return FailSocket(env, WSAEFAULT);
  backend::OptionValue value;
  uint32_t error = backend::GetSockOpt(s, level, name, &value);
  if (error != kNoError) return FailSocket(env, error);
  if (target.IsTypedArray()) {
    Napi::Uint8Array bytes = target.As<Napi::Uint8Array>();
    if (bytes.ByteLength() < size) return FailSocket(env, WSAEFAULT);
    uint8_t* data = bytes.Data();
    uint32_t raw = linger ? (value.linger.onoff | static_cast<uint32_t>(value.linger.seconds) << 16)
                          : static_cast<uint32_t>(value.integer);
    for (uint32_t i = 0; i < 4; i++) data[i] = static_cast<uint8_t>(raw >> (8 * i));
  } else if (linger) {
    target.Set("l_onoff", value.linger.onoff);
    target.Set("l_linger", value.linger.seconds);
  } else {
    SetBox(target, value.integer);
  }
  SetBox(length, size);
  return FailSocket(env, kNoError);
}

void RegisterSockopt(Napi::Env env, Napi::Object exports) {
  Export<SetSockOpt>(env, exports, "setsockopt");
  Export<GetSockOpt>(env, exports, "getsockopt");
}

}  // namespace wsn::api
