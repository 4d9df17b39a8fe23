// Per-env attach/detach: what a worker's exit or the process's exit must undo.
#include <chrono>

#include "backend/win/win.h"

namespace wsn::backend {
using namespace wsn::win;

void AttachEnv(EnvState* env) {
  HANDLE thread = nullptr;
  // GetCurrentThread() is a pseudo-handle meaning "the caller": other threads need a real one for QueueUserAPC.
  DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &thread, 0, FALSE,
                  DUPLICATE_SAME_ACCESS);
  std::lock_guard<std::mutex> lock(Win().mutex);
  Win().envs[env].thread = thread;
}

// How long teardown waits for the kernel to hand back cancelled operations. Cancellation completes promptly;
// if it ever did not, the operations are leaked rather than freed under the kernel.
constexpr auto kDrainLimit = std::chrono::seconds(10);

void DetachEnv(EnvState* env, DeliveryBatch* leftovers) {
  WinState& win = Win();
  std::vector<SOCKET> owned;
  {
    std::lock_guard<std::mutex> lock(win.mutex);
    env->alive = false;  // from now on nothing asks for a delivery on this env
    EnvRecord& record = win.envs[env];
    record.detaching = true;
    // Under the lock, so no operation can finish and be reused for another env between lookup and cancel.
    for (WinOp* w : record.pending) CancelIoEx(reinterpret_cast<HANDLE>(OperationSocket(w)), OperationOverlapped(w));
    for (auto it = win.sockets.begin(); it != win.sockets.end();) {
      if (it->second == env) {
        owned.push_back(ToSocket(it->first));
        it = win.sockets.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Operations that other envs issued on these sockets complete (aborted) on their own envs, as on Windows.
  for (SOCKET s : owned) CancelAndClose(s);

  std::unique_lock<std::mutex> lock(win.mutex);
  EnvRecord& record = win.envs[env];
  win.completionChanged.wait_for(lock, kDrainLimit, [&] { return record.pending.empty(); });
  auto& finished = leftovers->finished;
  finished.insert(finished.end(), record.abandoned.begin(), record.abandoned.end());
  finished.insert(finished.end(), env->routineQueue.begin(), env->routineQueue.end());
  finished.insert(finished.end(), env->finishedQueue.begin(), env->finishedQueue.end());
  record.abandoned.clear();
  env->routineQueue.clear();
  env->finishedQueue.clear();
  for (Waiter* waiter : env->asyncWaiters) {
    leftovers->resolved.push_back({waiter->callback, WSA_WAIT_FAILED, false});
    StopWatchLocked(waiter);
    ReleaseWaiterLocked(waiter);
  }
  env->asyncWaiters.clear();
  for (auto it = win.events.begin(); it != win.events.end();) {
    if (it->second == env) {
      WSACloseEvent(ToHandle(it->first));
      it = win.events.erase(it);
    } else {
      ++it;
    }
  }
  if (record.pending.empty()) {
    if (record.thread != nullptr) CloseHandle(record.thread);
    win.envs.erase(env);
  }
  // Else the record stays as a tombstone: late completions land in `abandoned` and are never touched again.
}

void ReleaseReactor(EnvState*) {}  // no I/O thread of our own: the thread pool and the watchers are shared

}  // namespace wsn::backend
