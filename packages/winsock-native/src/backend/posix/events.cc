// Event objects (WSACreateEvent & co) and the bookkeeping that wakes the waits naming them.
#include <algorithm>
#include <atomic>

#include "backend/posix/port.h"
#include "backend/port_waiters.h"
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::posix {

SyncState& Sync() {
  // Never destroyed: another thread (a worker's drain) may still be finishing a completion while static
  // destructors run at exit.
  static SyncState* state = new SyncState();
  return *state;
}

uint32_t NextHandle() {
  static std::atomic<uint32_t> next{kFirstHandle};
  return next.fetch_add(kHandleStep, std::memory_order_relaxed);
}

bool ResolveLocked(Waiter* waiter) {
  auto& events = Sync().events;
  waiter->objects.resize(waiter->handles.size());
  for (size_t i = 0; i < waiter->handles.size(); i++) {
    auto it = events.find(waiter->handles[i]);
    if (it == events.end()) return false;
    waiter->objects[i] = &it->second;  // unordered_map nodes never move
  }
  return true;
}

int EvaluateLocked(const Waiter& waiter) {
  if (waiter.objects.empty()) return -1;  // a sleep: only routines or the timeout end it
  auto signaled = [](const EventObject* event) { return event != nullptr && event->signaled; };
  if (waiter.waitAll) {
    return std::all_of(waiter.objects.begin(), waiter.objects.end(), signaled) ? 0 : -1;
  }
  for (size_t i = 0; i < waiter.objects.size(); i++) {
    if (signaled(waiter.objects[i])) return static_cast<int>(i);
  }
  return -1;
}

void RegisterLocked(Waiter* waiter) {
  for (EventObject* event : waiter->objects) event->waiters.push_back(waiter);
}

void UnregisterLocked(Waiter* waiter) {
  if (waiter->queuedReady) {
    auto& ready = waiter->env->readyWaiters;
    ready.erase(std::remove(ready.begin(), ready.end(), waiter), ready.end());
    waiter->queuedReady = false;
  }
  for (EventObject* event : waiter->objects) {
    if (event == nullptr) continue;  // closed while waited on
    auto& list = event->waiters;
    list.erase(std::remove(list.begin(), list.end(), waiter), list.end());
  }
}

// An event closed while waited on is never signalled again for its waiters (and is gone from memory).
static void ForgetEventLocked(EventObject& event) {
  for (Waiter* waiter : event.waiters) {
    std::replace(waiter->objects.begin(), waiter->objects.end(), &event, static_cast<EventObject*>(nullptr));
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
  // No copy of the list (it would cost an allocation per completion): waking only requests a delivery or a
  // wake of the waiting thread, and every unregistration happens later, on that thread.
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
  const bool alertableWaiter = std::any_of(env->asyncWaiters.begin(), env->asyncWaiters.end(),
                                           [](Waiter* w) { return w->alertable; });
  if (alertableWaiter || backend::HasAlertablePortWaiterLocked(env)) RequestDelivery(env);
}

void CloseEventsOfLocked(EnvState* env) {
  auto& events = Sync().events;
  for (auto it = events.begin(); it != events.end();) {
    if (it->second.owner != env) {
      ++it;
      continue;
    }
    ForgetEventLocked(it->second);
    it = events.erase(it);
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
  auto it = Sync().events.find(handle);
  if (it == Sync().events.end()) return WSA_INVALID_HANDLE;
  ForgetEventLocked(it->second);
  Sync().events.erase(it);
  return kNoError;
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
