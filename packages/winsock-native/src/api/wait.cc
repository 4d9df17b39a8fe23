// WSAWaitForMultipleEvents / SleepEx (blocking) and the native half of their Async forms:
// waitAsync / sleepAsync register a waiter that a later delivery settles; cancelWait removes one on timeout.
#include <algorithm>
#include <chrono>
#include <deque>

#include "api/api.h"
#include "api/marshal.h"
#include "core/delivery.h"
#include "core/env_state.h"

namespace wsn::api {

// Reads (cEvents, lphEvents) at `index`, `index + 1`. Returns false (and sets the last error) if cEvents is invalid.
static bool ReadHandles(const Napi::CallbackInfo& info, const char* function, size_t index,
                        backend::WaitRequest* request) {
  uint32_t count = ToUint32({info, function, index, "cEvents"});
  Napi::Array events = ToArray({info, function, index + 1, "lphEvents"});
  if (count == 0 || count > WSA_MAXIMUM_WAIT_EVENTS || count > events.Length()) {
    SetLastError(info.Env(), WSA_INVALID_PARAMETER);
    return false;
  }
  request->handles.resize(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value handle = events.Get(i);
    if (!handle.IsNumber()) Arg{info, function, index + 1, "lphEvents"}.fail("an array of WSAEVENT numbers");
    request->handles[i] = handle.As<Napi::Number>().Uint32Value();
  }
  return true;
}

// Node gives native code no signal when a worker is terminated; a blocked wait would keep the thread (and
// worker.terminate()) hanging forever. So long waits wake up every backend::kTerminationCheckMs to ask whether
// JS can still run.
using backend::kTerminationCheckMs;

bool CanRunJs(Napi::Env env) {
  EnvState& state = GetEnvState(env);
  napi_value result;
  return napi_call_function(env, env.Global(), state.jsProbe.Value(), 0, nullptr, &result) == napi_ok;
}

static Napi::Value BlockingWait(const Napi::CallbackInfo& info, const backend::WaitRequest& request,
                                uint32_t timeout) {
  Napi::Env env = info.Env();
  EnvState& state = GetEnvState(env);
  std::deque<Operation*> routines;
  uint32_t error = kNoError;
  const auto start = std::chrono::steady_clock::now();
  uint32_t result;
  for (;;) {
    uint32_t elapsed = static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
    uint32_t left = timeout == WSA_INFINITE ? WSA_INFINITE : timeout - std::min(timeout, elapsed);
    result = backend::Wait(&state, request, std::min(left, kTerminationCheckMs), &routines, &error);
    if (result != WSA_WAIT_TIMEOUT || left <= kTerminationCheckMs) break;
    if (!CanRunJs(env)) return Fail(env, WSAEINTR, Napi::Number::New(env, WSA_WAIT_FAILED));
  }
  ReleaseFinished(env, &state);
  if (result == WSA_WAIT_FAILED) return Fail(env, error, Napi::Number::New(env, result));
  RunRoutines(env, &state, &routines);
  return Napi::Number::New(env, result);
}

static Napi::Value WSAWaitForMultipleEvents(const Napi::CallbackInfo& info) {
  const char* function = "WSAWaitForMultipleEvents";
  backend::WaitRequest request;
  bool valid = ReadHandles(info, function, 0, &request);
  request.waitAll = ToBool({info, function, 2, "fWaitAll"});
  uint32_t timeout = ToUint32({info, function, 3, "dwTimeout"});
  request.alertable = ToBool({info, function, 4, "fAlertable"});
  if (!valid) return Napi::Number::New(info.Env(), WSA_WAIT_FAILED);
  return BlockingWait(info, request, timeout);
}

static Napi::Value SleepEx(const Napi::CallbackInfo& info) {
  backend::WaitRequest request;
  uint32_t timeout = ToUint32({info, "SleepEx", 0, "dwMilliseconds"});
  request.alertable = ToBool({info, "SleepEx", 1, "bAlertable"});
  Napi::Value result = BlockingWait(info, request, timeout);
  // SleepEx reports a plain timeout as 0, not WSA_WAIT_TIMEOUT.
  return result.As<Napi::Number>().Uint32Value() == WSA_WAIT_TIMEOUT ? Napi::Number::New(info.Env(), 0) : result;
}

// Shared tail of waitAsync / sleepAsync: (..., alertable, poll) at `index`.
// Returns the final result (>= 0) or -(waiter id) when a later delivery settles it (lib/completions.ts).
static Napi::Value RegisterAsync(const Napi::CallbackInfo& info, const char* function, size_t index,
                                 backend::WaitRequest* request) {
  Napi::Env env = info.Env();
  request->alertable = ToBool({info, function, index, "alertable"});
  bool poll = ToBool({info, function, index + 1, "poll"});
  EnvState& state = GetEnvState(env);
  uint32_t waiterId = 0, error = kNoError;
  uint32_t result = backend::WaitAsync(&state, *request, poll, &waiterId, &error);
  if (result != backend::kWaitRegistered) {
    if (result == WSA_WAIT_FAILED) SetLastError(env, error);
    return Napi::Number::New(env, result);
  }
  UpdateKeepAlive(&state);
  return Napi::Number::New(env, -static_cast<double>(waiterId));
}

// waitAsync(cEvents, handles, waitAll, alertable, poll)
static Napi::Value WaitAsync(const Napi::CallbackInfo& info) {
  backend::WaitRequest request;
  bool valid = ReadHandles(info, "WSAWaitForMultipleEventsAsync", 0, &request);
  request.waitAll = ToBool({info, "WSAWaitForMultipleEventsAsync", 2, "waitAll"});
  if (!valid) return Napi::Number::New(info.Env(), WSA_WAIT_FAILED);
  return RegisterAsync(info, "WSAWaitForMultipleEventsAsync", 3, &request);
}

// sleepAsync(alertable, poll)
static Napi::Value SleepAsync(const Napi::CallbackInfo& info) {
  backend::WaitRequest request;
  return RegisterAsync(info, "SleepExAsync", 0, &request);
}

// cancelWait(waiterId) -> true if the waiter was still registered (the caller settles it as timed out).
static Napi::Value CancelWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EnvState& state = GetEnvState(env);
  bool cancelled = backend::CancelAsyncWait(&state, ToUint32({info, "cancelWait", 0, "waiterId"}));
  UpdateKeepAlive(&state);
  return Napi::Boolean::New(env, cancelled);
}

void RegisterWaits(Napi::Env env, Napi::Object exports) {
  // A JS function, not a native one: only running JS notices a termination that is pending (worker.terminate()).
  napi_value source, probe;
  napi_create_string_utf8(env, "(function winsockNativeProbe() {})", NAPI_AUTO_LENGTH, &source);
  NAPI_THROW_IF_FAILED_VOID(env, napi_run_script(env, source, &probe));
  GetEnvState(env).jsProbe = Napi::Persistent(Napi::Function(env, probe));
  Export<WSAWaitForMultipleEvents>(env, exports, "WSAWaitForMultipleEvents");
  Export<SleepEx>(env, exports, "SleepEx");
  Export<WaitAsync>(env, exports, "waitAsync");
  Export<SleepAsync>(env, exports, "sleepAsync");
  Export<CancelWait>(env, exports, "cancelWait");
}

}  // namespace wsn::api
