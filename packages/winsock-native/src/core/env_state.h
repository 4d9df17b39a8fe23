// Per JS thread (main thread or worker) state, stored with napi_set_instance_data.
#pragma once
#include <napi.h>

#include <cstdint>
#include <deque>
#include <vector>

namespace wsn {

struct Operation;
namespace backend { struct Waiter; }

struct EnvState {
  explicit EnvState(napi_env e) : env(e) {}

  napi_env env;
  napi_threadsafe_function tsfn = nullptr;  // delivers completions and async-wait results to this thread
  Napi::FunctionReference overlappedClass;  // WSAOVERLAPPED constructor, for instanceof checks
  Napi::FunctionReference markAsUntransferable;  // node:worker_threads', handed over by lib/binding.ts
  Napi::FunctionReference jsProbe;          // a no-op: calling it fails once the env is being torn down
  uint32_t lastError = 0;                   // WSAGetLastError() is per thread

  // Touched by this JS thread only.
  std::vector<Operation*> operationPool;
  uint32_t nextWaiterId = 1;
  bool tsfnReferenced = false;
  bool usesReactor = false;

  // Guarded by the backend's synchronisation lock.
  bool alive = true;                        // false once cleanup started: nothing may call into this env any more
  bool deliveryScheduled = false;           // one tsfn call outstanding at most
  std::deque<Operation*> routineQueue;      // completed ops whose routine waits for an alertable wait (APC queue)
  std::vector<Operation*> finishedQueue;    // completed ops whose references must be deleted on this thread
  std::vector<backend::Waiter*> asyncWaiters;  // oldest first
  backend::Waiter* blockingWaiter = nullptr;   // this thread, blocked in a native wait
};

EnvState& GetEnvState(napi_env env);

// Asks for one delivery batch on the env's JS thread (called by backends with their lock held; thread-safe).
void RequestDelivery(EnvState* env);

}  // namespace wsn
