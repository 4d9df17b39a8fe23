#include "api/marshal.h"

#include <string>

#include "core/env_state.h"

namespace wsn::api {

void Arg::fail(const char* expected) const {
  std::string message = std::string(function) + ": argument " + std::to_string(index + 1) + " (" + name +
                        ") must be " + expected;
  throw Napi::TypeError::New(info.Env(), message);
}

uint32_t ToUint32(const Arg& arg) {
  Napi::Value v = arg.value();
  if (!v.IsNumber()) arg.fail("a number");
  return v.As<Napi::Number>().Uint32Value();
}

int32_t ToInt32(const Arg& arg) {
  Napi::Value v = arg.value();
  if (!v.IsNumber()) arg.fail("a number");
  return v.As<Napi::Number>().Int32Value();
}

bool ToBool(const Arg& arg) {
  Napi::Value v = arg.value();
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
  if (v.IsNumber()) return v.As<Napi::Number>().DoubleValue() != 0;
  arg.fail("a boolean");
}

Napi::Object ToObject(const Arg& arg) {
  napi_valuetype type = arg.type();
  if (type != napi_object && type != napi_function) arg.fail("an object");
  return arg.value().As<Napi::Object>();
}

Napi::Array ToArray(const Arg& arg) {
  Napi::Value v = arg.value();
  if (!v.IsArray()) arg.fail("an array");
  return v.As<Napi::Array>();
}

Napi::Object ToBox(const Arg& arg, bool optional) {
  napi_valuetype type = arg.type();
  if (optional && Arg::IsNullish(type)) return Napi::Object();
  if (type != napi_object) arg.fail(optional ? "a DWORD/INT box or null" : "a DWORD/INT box");  // not a function
  return arg.value().As<Napi::Object>();
}

uint32_t BoxValue(const Arg& arg, Napi::Object box) {
  Napi::Value v = box.Get("value");
  if (!v.IsNumber()) arg.fail("a box whose .value is a number");
  return v.As<Napi::Number>().Uint32Value();
}

void SetBox(Napi::Object box, double value) { box.Set("value", value); }

Napi::Function ToOptionalFunction(const Arg& arg) {
  napi_valuetype type = arg.type();
  if (Arg::IsNullish(type)) return Napi::Function();
  if (type != napi_function) arg.fail("a function or null");
  return arg.value().As<Napi::Function>();
}

static uint32_t NumberField(const Arg& arg, Napi::Object object, const char* field) {
  Napi::Value v = object.Get(field);
  if (!v.IsNumber()) arg.fail("a SOCKADDR_IN (sin_family, sin_port, sin_addr.s_addr numbers)");
  return v.As<Napi::Number>().Uint32Value();
}

backend::SockAddrIn ToSockAddr(const Arg& arg) {
  Napi::Object object = ToObject(arg);
  Napi::Value address = object.Get("sin_addr");
  if (!address.IsObject()) arg.fail("a SOCKADDR_IN (sin_addr must be an IN_ADDR)");
  backend::SockAddrIn name;
  name.family = static_cast<uint16_t>(NumberField(arg, object, "sin_family"));
  name.port = static_cast<uint16_t>(NumberField(arg, object, "sin_port"));
  name.address = NumberField(arg, address.As<Napi::Object>(), "s_addr");
  return name;
}

void WriteSockAddr(Napi::Env env, Napi::Object target, const backend::SockAddrIn& name) {
  target.Set("sin_family", name.family);
  target.Set("sin_port", name.port);
  Napi::Value address = target.Get("sin_addr");
  if (!address.IsObject()) {
    address = Napi::Object::New(env);
    target.Set("sin_addr", address);
  }
  address.As<Napi::Object>().Set("s_addr", name.address);
}

void SetLastError(Napi::Env env, uint32_t error) { GetEnvState(env).words[kLastError] = error; }

Napi::Value Fail(Napi::Env env, uint32_t error, Napi::Value result) {
  SetLastError(env, error);
  return result;
}

Napi::Value FailBool(Napi::Env env, uint32_t error) {
  if (error == kNoError) return Napi::Boolean::New(env, true);
  return Fail(env, error, Napi::Boolean::New(env, false));
}

Napi::Value FailSocket(Napi::Env env, uint32_t error) {
  if (error == kNoError) return Napi::Number::New(env, 0);
  return Fail(env, error, Napi::Number::New(env, kSocketError));
}

}  // namespace wsn::api
