// WSAWaitForMultipleEvents / SleepEx, blocking and async, and the delivery batches.
//
// Completion routines: the kernel never runs them here. Operations go to the kernel without a routine
// (overlapped_io.cc); a finished one with a routine is queued on its issuing env's routine queue - an APC queue
// per JS thread, the same one the Linux backend uses. Why not real APCs: an APC runs only on the thread that
// issued the I/O and only in an alertable wait, and a JS thread awaiting SleepExAsync sits in libuv's
// non-alertable GetQueuedCompletionStatusEx, so real APCs would never run during a Promise.
//  - A blocking alertable wait on the JS thread is a real alertable WaitForMultipleObjectsEx / SleepEx. Queueing
//    a routine sends that thread a no-op APC, so the real wait returns WAIT_IO_COMPLETION and the routines run
//    right after, on that thread, in FIFO order.
//  - An async wait registers a waiter; routines reach it through the env's delivery channel. Its event handles
//    are waited on by a pooled watcher thread (a real WaitForMultipleObjectsEx, up to 64 handles, woken for
//    cancellation by an APC), which asks for a delivery once the wait is satisfied.
#include "backend/win/win.h"

namespace wsn::win {

struct Watcher {
  HANDLE thread = nullptr;
  HANDLE wake = nullptr;   // auto-reset: a job was handed over
  Waiter* job = nullptr;   // under Win().mutex
};

constexpr size_t kMaxIdleWatchers = 8;
static std::vector<Watcher*> idleWatchers;  // under Win().mutex

static VOID NTAPI CancelApc(ULONG_PTR) {}

static uint32_t WaitIndex(DWORD rc, size_t count) {
  if (rc >= WAIT_OBJECT_0 && rc < WAIT_OBJECT_0 + count) return rc - WAIT_OBJECT_0;
  if (rc >= WAIT_ABANDONED_0 && rc < WAIT_ABANDONED_0 + count) return rc - WAIT_ABANDONED_0;
  return WSA_WAIT_FAILED;
}

void ReleaseWaiterLocked(Waiter* waiter) {
  if (--waiter->references == 0) delete waiter;
}

static DWORD WINAPI WatchLoop(void* argument) {
  auto* self = static_cast<Watcher*>(argument);
  for (;;) {
    WaitForSingleObject(self->wake, INFINITE);
    Waiter* waiter;
    {
      std::lock_guard<std::mutex> lock(Win().mutex);
      waiter = self->job;
    }
    const DWORD count = static_cast<DWORD>(waiter->handles.size());
    DWORD rc;
    for (;;) {
      rc = WaitForMultipleObjectsEx(count, waiter->handles.data(), waiter->waitAll, INFINITE, TRUE);
      if (rc != WAIT_IO_COMPLETION) break;
      std::lock_guard<std::mutex> lock(Win().mutex);
      if (waiter->detached) break;  // else: a cancellation meant for an earlier job of this thread
    }
    std::lock_guard<std::mutex> lock(Win().mutex);
    self->job = nullptr;
    waiter->watcher = nullptr;
    if (!waiter->detached && rc != WAIT_IO_COMPLETION) {
      waiter->watchDone = true;
      waiter->watchResult = WaitIndex(rc, count);
      RequestDelivery(waiter->env);
    }
    ReleaseWaiterLocked(waiter);
    if (idleWatchers.size() >= kMaxIdleWatchers) {
      CloseHandle(self->wake);
      CloseHandle(self->thread);
      delete self;
      return 0;
    }
    idleWatchers.push_back(self);
  }
}

void StartWatchLocked(Waiter* waiter) {
  Watcher* watcher;
  if (!idleWatchers.empty()) {
    watcher = idleWatchers.back();
    idleWatchers.pop_back();
  } else {
    watcher = new Watcher();
    watcher->wake = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    watcher->thread = CreateThread(nullptr, 64 * 1024, WatchLoop, watcher, STACK_SIZE_PARAM_IS_A_RESERVATION, nullptr);
    if (watcher->wake == nullptr || watcher->thread == nullptr) {
      if (watcher->wake != nullptr) CloseHandle(watcher->wake);
      delete watcher;
      waiter->watchDone = true;  // settled as failed at the next delivery
      waiter->watchResult = WSA_WAIT_FAILED;
      RequestDelivery(waiter->env);
      return;
    }
  }
  waiter->references++;
  waiter->watcher = watcher;
  watcher->job = waiter;
  ::SetEvent(watcher->wake);
}

void StopWatchLocked(Waiter* waiter) {
  waiter->detached = true;
  if (waiter->watcher != nullptr) QueueUserAPC(CancelApc, waiter->watcher->thread, 0);
}

static std::vector<HANDLE> ToHandles(const std::vector<uint32_t>& handles) {
  std::vector<HANDLE> native(handles.size());
  for (size_t i = 0; i < handles.size(); i++) native[i] = ToHandle(handles[i]);
  return native;
}

// A zero-timeout look at the handles: WSA_WAIT_EVENT_0 + lowest signalled index, WSA_WAIT_TIMEOUT, or
// WSA_WAIT_FAILED with *error set.
static uint32_t Poll(const Waiter& waiter, uint32_t* error) {
  const DWORD count = static_cast<DWORD>(waiter.handles.size());
  DWORD rc = WaitForMultipleObjects(count, waiter.handles.data(), waiter.waitAll, 0);
  if (rc == WAIT_TIMEOUT) return WSA_WAIT_TIMEOUT;
  if (rc == WAIT_FAILED) {
    *error = GetLastError();
    return WSA_WAIT_FAILED;
  }
  return WaitIndex(rc, count);
}

}  // namespace wsn::win

namespace wsn::backend {
using namespace wsn::win;

static bool TakeRoutinesLocked(EnvState* env, bool alertable, std::deque<Operation*>* routines) {
  if (!alertable || env->routineQueue.empty()) return false;
  routines->swap(env->routineQueue);
  return true;
}

static uint32_t Remaining(uint32_t timeoutMs, ULONGLONG start) {
  if (timeoutMs == INFINITE) return INFINITE;
  ULONGLONG elapsed = GetTickCount64() - start;
  return elapsed >= timeoutMs ? 0 : static_cast<uint32_t>(timeoutMs - elapsed);
}

uint32_t Wait(EnvState* env, const WaitRequest& request, uint32_t timeoutMs, std::deque<Operation*>* routines,
              uint32_t* error) {
  Waiter self;
  self.env = env;
  self.handles = ToHandles(request.handles);
  self.waitAll = request.waitAll;
  self.alertable = request.alertable;
  {
    std::lock_guard<std::mutex> lock(Win().mutex);
    if (TakeRoutinesLocked(env, request.alertable, routines)) return WAIT_IO_COMPLETION;
    env->blockingWaiter = &self;  // from now on a queued routine wakes this thread with an APC
  }
  const DWORD count = static_cast<DWORD>(self.handles.size());
  const ULONGLONG start = GetTickCount64();
  uint32_t result;
  for (;;) {
    const uint32_t remaining = Remaining(timeoutMs, start);
    DWORD rc = count == 0 ? SleepEx(remaining, request.alertable)
                          : WaitForMultipleObjectsEx(count, self.handles.data(), request.waitAll, remaining,
                                                     request.alertable);
    if (count == 0 && rc == 0) {
      result = WSA_WAIT_TIMEOUT;
    } else if (rc == WAIT_IO_COMPLETION) {
      std::lock_guard<std::mutex> lock(Win().mutex);
      if (TakeRoutinesLocked(env, true, routines)) {
        result = WAIT_IO_COMPLETION;
      } else if (remaining == 0) {
        result = WSA_WAIT_TIMEOUT;
      } else {
        continue;  // a late wake-up APC whose routines an earlier wait already ran
      }
    } else if (rc == WAIT_TIMEOUT) {
      result = WSA_WAIT_TIMEOUT;
    } else if (rc == WAIT_FAILED) {
      *error = GetLastError();
      result = WSA_WAIT_FAILED;
    } else {
      result = WaitIndex(rc, count);
    }
    break;
  }
  {
    std::lock_guard<std::mutex> lock(Win().mutex);
    env->blockingWaiter = nullptr;
    // Routines that arrived as the wait ended run now: an alertable wait reports them before any event.
    if (result != WSA_WAIT_FAILED && result != WAIT_IO_COMPLETION && TakeRoutinesLocked(env, request.alertable, routines)) {
      result = WAIT_IO_COMPLETION;
    }
  }
  if (request.alertable) SleepEx(0, TRUE);  // swallow wake-up APCs that are late now, so none leaks to a later wait
  return result;
}

uint32_t WaitAsync(EnvState* env, const WaitRequest& request, bool poll, uint32_t* waiterId, uint32_t* error) {
  auto* waiter = new Waiter();
  waiter->env = env;
  waiter->handles = ToHandles(request.handles);
  waiter->waitAll = request.waitAll;
  waiter->alertable = request.alertable;
  std::lock_guard<std::mutex> lock(Win().mutex);
  const bool routinesReady = request.alertable && !env->routineQueue.empty();
  if (!waiter->handles.empty()) {
    uint32_t now = Poll(*waiter, error);
    // Settled without running JS: the caller resolves at once. Routines always run from a delivery instead,
    // so an Async wait never calls back into JS before it has returned its promise.
    if (now == WSA_WAIT_FAILED || (!routinesReady && now != WSA_WAIT_TIMEOUT)) {
      delete waiter;
      return now;
    }
  }
  if (!routinesReady && poll) {
    delete waiter;
    return WSA_WAIT_TIMEOUT;
  }
  waiter->id = env->nextWaiterId++;
  waiter->poll = poll;
  env->asyncWaiters.push_back(waiter);
  if (routinesReady) {
    RequestDelivery(env);
  } else if (!waiter->handles.empty()) {
    StartWatchLocked(waiter);
  }
  *waiterId = waiter->id;
  return kWaitRegistered;
}

bool CancelAsyncWait(EnvState* env, uint32_t waiterId) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  if (CancelPortWaiterLocked(env, waiterId)) return true;
  auto& waiters = env->asyncWaiters;
  for (auto it = waiters.begin(); it != waiters.end(); ++it) {
    Waiter* waiter = *it;
    if (waiter->id != waiterId) continue;
    waiters.erase(it);
    StopWatchLocked(waiter);
    ReleaseWaiterLocked(waiter);
    return true;
  }
  return false;
}

bool HasAsyncWaiters(EnvState* env) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  return !env->asyncWaiters.empty() || !env->portWaiters.empty();
}

void CollectFinished(EnvState* env, DeliveryBatch* batch) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  batch->finished.swap(env->finishedQueue);
  batch->releasedSlots.swap(env->releasedSlots);
}

void CollectDelivery(EnvState* env, DeliveryBatch* batch) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  env->deliveryDue = false;
  batch->finished.swap(env->finishedQueue);
  batch->releasedSlots.insert(batch->releasedSlots.end(), env->releasedSlots.begin(), env->releasedSlots.end());
  env->releasedSlots.clear();
  // The oldest alertable waiter, of either kind, runs the routines queued so far (ids grow with age).
  uint32_t oldestEventWaiter = 0;
  for (Waiter* waiter : env->asyncWaiters) {
    if (waiter->alertable) {
      oldestEventWaiter = waiter->id;
      break;
    }
  }
  const uint32_t oldestPortWaiter = OldestAlertablePortWaiterLocked(env);
  const bool portsFirst = oldestPortWaiter != 0 && (oldestEventWaiter == 0 || oldestPortWaiter < oldestEventWaiter);
  if (portsFirst) CollectPortWaitersLocked(env, batch, false);
  auto& waiters = env->asyncWaiters;
  for (auto it = waiters.begin(); it != waiters.end();) {
    Waiter* waiter = *it;
    ResolvedWait resolved{waiter->id, 0, false};
    uint32_t now = WSA_WAIT_TIMEOUT, ignored = 0;
    if (batch->routines.empty() && TakeRoutinesLocked(env, waiter->alertable, &batch->routines)) {
      // The oldest alertable waiter runs every routine queued so far.
      resolved.result = WAIT_IO_COMPLETION;
      resolved.runsRoutines = true;
    } else if (!waiter->handles.empty() && (now = Poll(*waiter, &ignored)) != WSA_WAIT_TIMEOUT) {
      resolved.result = now;  // the lowest index signalled now
    } else if (waiter->watchDone) {
      resolved.result = waiter->watchResult;  // satisfied, though the events were reset since
    } else if (waiter->poll) {
      resolved.result = WSA_WAIT_TIMEOUT;
    } else {
      // Still waiting. A waiter registered for routines that an older one took now needs a watcher.
      if (waiter->watcher == nullptr && !waiter->handles.empty()) StartWatchLocked(waiter);
      ++it;
      continue;
    }
    batch->resolved.push_back(resolved);
    StopWatchLocked(waiter);
    ReleaseWaiterLocked(waiter);
    it = waiters.erase(it);
  }
  if (!portsFirst) CollectPortWaitersLocked(env, batch, !batch->routines.empty());
}

void RequeueRoutines(EnvState* env, std::deque<Operation*>* notRun) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  env->routineQueue.insert(env->routineQueue.begin(), notRun->begin(), notRun->end());
  notRun->clear();
}

}  // namespace wsn::backend
