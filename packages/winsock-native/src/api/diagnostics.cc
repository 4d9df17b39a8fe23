// getResourceCounts(): what the addon holds right now, for leak checks in tests and soaks; getEngine(): which
// engine runs under the API, and why. Neither is a Winsock call.
#include "api/api.h"
#include "api/marshal.h"
#include "backend/backend.h"
#include "core/operation.h"
#include "core/port.h"

namespace wsn::api {

static Napi::Value GetResourceCounts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  backend::ResourceCounts counts = backend::CountResources();
  Napi::Object result = Napi::Object::New(env);
  result.Set("sockets", counts.sockets);
  result.Set("events", counts.events);
  result.Set("operations", LiveOperationCount());
  result.Set("ports", counts.ports);
  result.Set("packets", LivePacketCount());
  result.Set("portWaiters", counts.portWaiters);
  return result;
}

static Napi::Value GetEngine(const Napi::CallbackInfo& info) {
  backend::EngineInfo engine = backend::DescribeEngine();
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("name", engine.name);
  result.Set("reason", engine.reason);
  return result;
}

void RegisterDiagnostics(Napi::Env env, Napi::Object exports) {
  Export<GetResourceCounts>(env, exports, "getResourceCounts");
  Export<GetEngine>(env, exports, "getEngine");
}

}  // namespace wsn::api
