// WSAWaitForMultipleEvents / SleepEx (blocking and async) and the collection of delivery batches.
#include <algorithm>
#include <chrono>

#include "backend/posix/port.h"
#include "backend/port_waiters.h"
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::backend {
using namespace wsn::posix;

static bool RoutinesReadyLocked(EnvState* env, bool alertable) {
  return alertable && !env->routineQueue.empty();
}

// What ends a blocking wait now, or kWaitRegistered if nothing does yet.
static uint32_t BlockingOutcomeLocked(EnvState* env, const Waiter& waiter, std::deque<Operation*>* routines) {
  // Routines first: an alertable wait that finds some runs them and reports WAIT_IO_COMPLETION even when an
  // awaited event is signalled too (measured Windows behaviour).
  if (RoutinesReadyLocked(env, waiter.alertable)) {
    routines->swap(env->routineQueue);
    return WAIT_IO_COMPLETION;
  }
  int index = EvaluateLocked(waiter);
  return index >= 0 ? WSA_WAIT_EVENT_0 + index : kWaitRegistered;
}

// The calling thread drives the engines while it waits: what completes meanwhile (its own operations, or those
// of a thread that is busy) sets events and queues routines, as Windows' kernel would.
uint32_t Wait(EnvState* env, const WaitRequest& request, uint32_t timeoutMs, std::deque<Operation*>* routines,
              uint32_t* error) {
  SyncLock lock;
  Waiter waiter;
  waiter.env = env;
  waiter.handles = request.handles;
  waiter.waitAll = request.waitAll;
  waiter.alertable = request.alertable;
  if (!ResolveLocked(&waiter)) {
    *error = WSA_INVALID_HANDLE;
    return WSA_WAIT_FAILED;
  }
  RegisterLocked(&waiter);
  env->blockingWaiter = &waiter;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  uint32_t result;
  for (;;) {
    if ((result = BlockingOutcomeLocked(env, waiter, routines)) != kWaitRegistered) break;
    lock.unlock();
    const bool handled = DriveEngines(env);
    lock.lock();
    if ((result = BlockingOutcomeLocked(env, waiter, routines)) != kWaitRegistered) break;
    int sleepMs = -1;
    if (timeoutMs != WSA_INFINITE) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        result = WSA_WAIT_TIMEOUT;
        break;
      }
      sleepMs = static_cast<int>(left.count());
    }
    if (handled) continue;  // something moved: drive again before sleeping (other threads' engines may be busy)
    lock.unlock();
    SleepUntilActivity(env, -1, 0, true, sleepMs);
    lock.lock();
  }
  UnregisterLocked(&waiter);
  env->blockingWaiter = nullptr;
  return result;
}

uint32_t WaitAsync(EnvState* env, const WaitRequest& request, bool poll, uint32_t* waiterId, uint32_t* error) {
  SyncLock lock;
  auto* waiter = new Waiter();
  waiter->env = env;
  waiter->handles = request.handles;
  waiter->waitAll = request.waitAll;
  waiter->alertable = request.alertable;
  if (!ResolveLocked(waiter)) {
    delete waiter;
    *error = WSA_INVALID_HANDLE;
    return WSA_WAIT_FAILED;
  }
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
  waiter->async = true;
  waiter->poll = poll;
  RegisterLocked(waiter);
  env->asyncWaiters.push_back(waiter);
  if (poll) {  // settled at the first delivery, whatever it brings
    waiter->queuedReady = true;
    env->readyWaiters.push_back(waiter);
  }
  if (routinesReady) RequestDelivery(env);
  *waiterId = waiter->id;
  return kWaitRegistered;
}

static void RemoveAsyncLocked(EnvState* env, Waiter* waiter) {
  auto& waiters = env->asyncWaiters;
  waiters.erase(std::find(waiters.begin(), waiters.end(), waiter));
  UnregisterLocked(waiter);
  delete waiter;
}

bool CancelAsyncWait(EnvState* env, uint32_t waiterId) {
  SyncLock lock;
  if (CancelPortWaiterLocked(env, waiterId, NothingToQuiet)) return true;
  auto& waiters = env->asyncWaiters;
  auto it = std::find_if(waiters.begin(), waiters.end(), [&](Waiter* w) { return w->id == waiterId; });
  if (it == waiters.end()) return false;
  RemoveAsyncLocked(env, *it);
  return true;
}

bool HasAsyncWaiters(EnvState* env) {
  SyncLock lock;
  return !env->asyncWaiters.empty() || !env->portWaiters.empty();
}

// Settles the async waiters that can be settled now. Only two kinds can: the oldest alertable one when
// routines are queued, and the ones on the ready list (an event they name was set, or a poll: timeout 0). So a
// delivery costs what it settles, not the number of waiters the env has.
void CollectDelivery(EnvState* env, DeliveryBatch* batch) {
  SyncLock lock;
  env->deliveryDue = false;
  batch->finished.swap(env->finishedQueue);
  batch->releasedSlots.swap(env->releasedSlots);
  auto settle = [&](Waiter* waiter, uint32_t result, bool runsRoutines) {
    batch->resolved.push_back({waiter->id, result, runsRoutines});
    RemoveAsyncLocked(env, waiter);
  };
  bool routinesTaken = false;
  if (!env->routineQueue.empty()) {
    auto alertable = std::find_if(env->asyncWaiters.begin(), env->asyncWaiters.end(),
                                  [](Waiter* w) { return w->alertable; });
    if (alertable != env->asyncWaiters.end()) {
      batch->routines.swap(env->routineQueue);  // the oldest alertable waiter runs every routine queued so far
      settle(*alertable, WAIT_IO_COMPLETION, true);
      routinesTaken = true;
    }
  }
  CollectPortWaitersLocked(env, batch, routinesTaken, NothingToQuiet);
  // Nothing adds to the ready list while the lock is held, and a waiter taken off it is not on it any more.
  for (Waiter* waiter : env->readyWaiters) {
    waiter->queuedReady = false;
    int index = EvaluateLocked(*waiter);
    if (index >= 0 || waiter->poll) settle(waiter, index >= 0 ? WSA_WAIT_EVENT_0 + index : WSA_WAIT_TIMEOUT, false);
  }
  env->readyWaiters.clear();
}

void CollectFinished(EnvState* env, DeliveryBatch* batch) {
  SyncLock lock;
  batch->finished.swap(env->finishedQueue);
  batch->releasedSlots.swap(env->releasedSlots);
}

void RequeueRoutines(EnvState* env, std::deque<Operation*>* notRun) {
  SyncLock lock;
  env->routineQueue.insert(env->routineQueue.begin(), notRun->begin(), notRun->end());
  notRun->clear();
}

}  // namespace wsn::backend
