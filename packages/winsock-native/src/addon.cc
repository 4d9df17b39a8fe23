// Module init: per-env state, the delivery channel, every API family, and the cleanup that a worker's or the
// process's exit runs.
#include <napi.h>

#include "api/api.h"
#include "backend/backend.h"
#include "core/delivery.h"
#include "core/env_state.h"

namespace wsn {

EnvState& GetEnvState(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return *static_cast<EnvState*>(data);
}

static void CleanupEnv(void* data) {
  auto* state = static_cast<EnvState*>(data);
  CloseDelivery(state);
  state->overlappedStateKey.Reset();
  state->threadWords.Reset();
  state->stateSlab.Reset();
  state->overlappedClass.Reset();
  state->markAsUntransferable.Reset();
  state->jsProbe.Reset();
  delete state;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new EnvState(env);
  // Freed by the cleanup hook, which runs while the env can still be used (instance-data finalizers may not).
  napi_set_instance_data(env, state, nullptr, nullptr);
  napi_add_env_cleanup_hook(env, CleanupEnv, state);
  Napi::Uint32Array words = Napi::Uint32Array::New(env, kThreadWords);
  state->words = words.Data();
  state->threadWords = Napi::Persistent(words);
  exports.Set("threadWords", words);
  backend::AttachEnv(state);
  api::RegisterStartup(env, exports);
  api::RegisterSockets(env, exports);
  api::RegisterSockopt(env, exports);
  api::RegisterOverlapped(env, exports);
  api::RegisterEvents(env, exports);
  api::RegisterWaits(env, exports);
  api::RegisterEventSelect(env, exports);
  api::RegisterDiagnostics(env, exports);
  api::RegisterPorts(env, exports);
  api::RegisterExtensions(env, exports);
  return exports;
}

}  // namespace wsn

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return wsn::Init(env, exports); }

NODE_API_MODULE(winsock_native, InitModule)
