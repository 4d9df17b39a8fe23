// Event objects (WSACreateEvent & co) and the bookkeeping that wakes the waits naming them.
#include <algorithm>
#include <atomic>

#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::posix {

SyncState& Sync() {
  // Never destroyed: the I/O thread may still be finishing a completion while static destructors run at exit.
  static SyncState* state = new SyncState();
  return *state;
}

uint32_t NextHandle() {
  static std::atomic<uint32_t> next{kFirstHandle};
  return next.fetch_add(kHandleStep, std::memory_order_relaxed);
}

int EvaluateLocked(const Waiter& waiter) {
  if (waiter.handles.empty()) return -1;  // a sleep: only routines or the timeout end it
  auto& events = Sync().events;
  auto signaled = [&](uint32_t h) {
    auto it = events.find(h);
    return it != events.end() && it->second.signaled;
  };
  if (waiter.waitAll) {
    return std::all_of(waiter.handles.begin(), waiter.handles.end(), signaled) ? 0 : -1;
  }
  for (size_t i = 0; i < waiter.handles.size(); i++) {
    if (signaled(waiter.handles[i])) return static_cast<int>(i);
  }
  return -1;
}

void RegisterLocked(Waiter* waiter) {
  for (uint32_t h : waiter->handles) Sync().events[h].waiters.push_back(waiter);
}

void UnregisterLocked(Waiter* waiter) {
  if (waiter->queuedReady) {
    auto& ready = waiter->env->readyWaiters;
    ready.erase(std::remove(ready.begin(), ready.end(), waiter), ready.end());
    waiter->queuedReady = false;
  }
  auto& events = Sync().events;
  for (uint32_t h : waiter->handles) {
    auto it = events.find(h);
    if (it == events.end()) continue;  // closed while waited on
    auto& list = it->second.waiters;
    list.erase(std::remove(list.begin(), list.end(), waiter), list.end());
  }
}

static void WakeLocked(Waiter* waiter) {
  EnvState* env = waiter->env;
  if (waiter->async) {
    // The ready list: a delivery evaluates only the waiters an event was set for, not every waiter of the env.
    if (!waiter->queuedReady) {
      waiter->queuedReady = true;
      env->readyWaiters.push_back(waiter);
    }
    RequestDelivery(env);
  } else if (!IsCurrentThread(env)) {
    WakeEnvLocked(env);  // a blocked thread; on its own thread it evaluates again after driving the engines
  }
}

bool SetEventLocked(uint32_t handle) {
  auto it = Sync().events.find(handle);
  if (it == Sync().events.end()) return false;
  it->second.signaled = true;
  // No copy of the list (it would cost an allocation per completion): waking only requests a delivery or
  // notifies a condition variable, and every unregistration happens later, on the waiting thread.
  // A wait-any waiter on this list names this event, which is now signalled: it is satisfied without walking
  // (and looking up) every handle it waits on. Only wait-all waiters need the full evaluation.
  for (Waiter* waiter : it->second.waiters) {
    if (!waiter->waitAll || EvaluateLocked(*waiter) >= 0) WakeLocked(waiter);
  }
  return true;
}

void QueueRoutineLocked(Operation* op) {
  EnvState* env = op->env;
  env->routineQueue.push_back(op);
  if (env->blockingWaiter != nullptr && env->blockingWaiter->alertable && !IsCurrentThread(env)) WakeEnvLocked(env);
  for (Waiter* waiter : env->asyncWaiters) {
    if (waiter->alertable) {
      RequestDelivery(env);
      break;
    }
  }
}

void CloseEventsOfLocked(EnvState* env) {
  auto& events = Sync().events;
  for (auto it = events.begin(); it != events.end();) {
    it = it->second.owner == env ? events.erase(it) : std::next(it);
  }
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

uint32_t CreateEvent(EnvState* env, uint32_t* handle) {
  SyncLock lock;
  *handle = NextHandle();
  Sync().events[*handle].owner = env;
  return kNoError;
}

uint32_t CloseEvent(uint32_t handle) {
  SyncLock lock;
  return Sync().events.erase(handle) == 1 ? kNoError : WSA_INVALID_HANDLE;
}

uint32_t SetEvent(uint32_t handle) {
  SyncLock lock;
  return SetEventLocked(handle) ? kNoError : WSA_INVALID_HANDLE;
}

uint32_t ResetEvent(uint32_t handle) {
  SyncLock lock;
  auto it = Sync().events.find(handle);
  if (it == Sync().events.end()) return WSA_INVALID_HANDLE;
  it->second.signaled = false;
  return kNoError;
}

}  // namespace wsn::backend
