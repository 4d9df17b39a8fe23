// WSAWaitForMultipleEvents / SleepEx (blocking and async) and the collection of delivery batches.
#include <algorithm>
#include <chrono>

#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::backend {
using namespace wsn::posix;

static bool AllHandlesValidLocked(const WaitRequest& request) {
  auto& events = Sync().events;
  return std::all_of(request.handles.begin(), request.handles.end(),
                     [&](uint32_t h) { return events.count(h) == 1; });
}

static bool RoutinesReadyLocked(EnvState* env, bool alertable) {
  return alertable && !env->routineQueue.empty();
}

uint32_t Wait(EnvState* env, const WaitRequest& request, uint32_t timeoutMs, std::deque<Operation*>* routines,
              uint32_t* error) {
  std::unique_lock<std::mutex> lock(Sync().mutex);
  if (!AllHandlesValidLocked(request)) {
    *error = WSA_INVALID_HANDLE;
    return WSA_WAIT_FAILED;
  }
  Waiter waiter;
  waiter.env = env;
  waiter.handles = request.handles;
  waiter.waitAll = request.waitAll;
  waiter.alertable = request.alertable;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  bool registered = false;
  uint32_t result;
  for (;;) {
    // Routines first: an alertable wait that finds some runs them and reports WAIT_IO_COMPLETION even when an
    // awaited event is signalled too (measured Windows behaviour).
    if (RoutinesReadyLocked(env, request.alertable)) {
      routines->swap(env->routineQueue);
      result = WAIT_IO_COMPLETION;
      break;
    }
    int index = EvaluateLocked(waiter);
    if (index >= 0) {
      result = WSA_WAIT_EVENT_0 + index;
      break;
    }
    if (timeoutMs != WSA_INFINITE && std::chrono::steady_clock::now() >= deadline) {
      result = WSA_WAIT_TIMEOUT;
      break;
    }
    if (!registered) {
      RegisterLocked(&waiter);
      env->blockingWaiter = &waiter;
      registered = true;
    }
    if (timeoutMs == WSA_INFINITE) {
      waiter.wake.wait(lock);
    } else {
      waiter.wake.wait_until(lock, deadline);
    }
  }
  if (registered) {
    UnregisterLocked(&waiter);
    env->blockingWaiter = nullptr;
  }
  return result;
}

uint32_t WaitAsync(EnvState* env, const WaitRequest& request, bool poll, napi_ref callback, uint32_t* waiterId,
                   uint32_t* error) {
  std::lock_guard<std::mutex> lock(Sync().mutex);
  if (!AllHandlesValidLocked(request)) {
    *error = WSA_INVALID_HANDLE;
    return WSA_WAIT_FAILED;
  }
  auto* waiter = new Waiter();
  waiter->env = env;
  waiter->handles = request.handles;
  waiter->waitAll = request.waitAll;
  waiter->alertable = request.alertable;
  const bool routinesReady = RoutinesReadyLocked(env, request.alertable);
  if (!routinesReady) {
    // Settled without running JS: the caller resolves at once. Routines always run from a delivery instead,
    // so an Async wait never calls back into JS before it has returned its promise.
    int index = EvaluateLocked(*waiter);
    if (index >= 0 || poll) {
      delete waiter;
      return index >= 0 ? WSA_WAIT_EVENT_0 + index : WSA_WAIT_TIMEOUT;
    }
  }
  waiter->id = env->nextWaiterId++;
  waiter->callback = callback;
  waiter->poll = poll;
  RegisterLocked(waiter);
  env->asyncWaiters.push_back(waiter);
  if (routinesReady) RequestDelivery(env);
  *waiterId = waiter->id;
  return kWaitRegistered;
}

napi_ref CancelAsyncWait(EnvState* env, uint32_t waiterId) {
  std::lock_guard<std::mutex> lock(Sync().mutex);
  auto& waiters = env->asyncWaiters;
  auto it = std::find_if(waiters.begin(), waiters.end(), [&](Waiter* w) { return w->id == waiterId; });
  if (it == waiters.end()) return nullptr;
  Waiter* waiter = *it;
  waiters.erase(it);
  UnregisterLocked(waiter);
  napi_ref callback = waiter->callback;
  delete waiter;
  return callback;
}

bool HasAsyncWaiters(EnvState* env) {
  std::lock_guard<std::mutex> lock(Sync().mutex);
  return !env->asyncWaiters.empty();
}

void CollectDelivery(EnvState* env, DeliveryBatch* batch) {
  std::lock_guard<std::mutex> lock(Sync().mutex);
  env->deliveryScheduled = false;
  batch->finished.swap(env->finishedQueue);
  auto& waiters = env->asyncWaiters;
  for (auto it = waiters.begin(); it != waiters.end();) {
    Waiter* waiter = *it;
    ResolvedWait resolved{waiter->callback, 0, false};
    int index;
    if (batch->routines.empty() && RoutinesReadyLocked(env, waiter->alertable)) {
      // The oldest alertable waiter runs every routine queued so far.
      batch->routines.swap(env->routineQueue);
      resolved.result = WAIT_IO_COMPLETION;
      resolved.runsRoutines = true;
    } else if ((index = EvaluateLocked(*waiter)) >= 0) {
      resolved.result = WSA_WAIT_EVENT_0 + index;
    } else if (waiter->poll) {
      resolved.result = WSA_WAIT_TIMEOUT;
    } else {
      ++it;
      continue;
    }
    batch->resolved.push_back(resolved);
    UnregisterLocked(waiter);
    delete waiter;
    it = waiters.erase(it);
  }
  batch->waitersRemain = !waiters.empty();
}

void RequeueRoutines(EnvState* env, std::deque<Operation*>* notRun) {
  std::lock_guard<std::mutex> lock(Sync().mutex);
  env->routineQueue.insert(env->routineQueue.begin(), notRun->begin(), notRun->end());
  notRun->clear();
}

}  // namespace wsn::backend
