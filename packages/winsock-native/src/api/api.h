// One registration function per API family (each in its own file).
#pragma once
#include <napi.h>

namespace wsn::api {

void RegisterStartup(Napi::Env env, Napi::Object exports);      // startup.cc
void RegisterSockets(Napi::Env env, Napi::Object exports);      // socket.cc
void RegisterSockopt(Napi::Env env, Napi::Object exports);      // sockopt.cc
void RegisterOverlapped(Napi::Env env, Napi::Object exports);   // overlapped.cc, overlapped_object.cc
void RegisterEvents(Napi::Env env, Napi::Object exports);       // event.cc
void RegisterWaits(Napi::Env env, Napi::Object exports);        // wait.cc
void RegisterEventSelect(Napi::Env env, Napi::Object exports);  // eventselect.cc
void RegisterDiagnostics(Napi::Env env, Napi::Object exports);  // diagnostics.cc
void RegisterPorts(Napi::Env env, Napi::Object exports);        // ports.cc
void RegisterExtensions(Napi::Env env, Napi::Object exports);   // extensions.cc

// False once the env is being terminated (a worker): a long native wait gives up then (wait.cc).
bool CanRunJs(Napi::Env env);

}  // namespace wsn::api
