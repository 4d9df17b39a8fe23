// How a finished overlapped operation is announced: exactly the same for an immediate and a late completion.
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::backend {
using namespace wsn::posix;

bool AnnounceCompletion(Operation* op) {
  OverlappedState* state = op->state;
  state->error.store(op->error, std::memory_order_relaxed);
  state->flags.store(op->resultFlags, std::memory_order_relaxed);
  state->internalHigh.store(static_cast<uint32_t>(op->transferred), std::memory_order_relaxed);

  SyncState& sync = Sync();
  std::lock_guard<std::mutex> lock(sync.mutex);
  // Stored under the lock so WaitForCompletion cannot miss the notification.
  state->internal.store(NtStatusFromWsaError(op->error), std::memory_order_release);
  sync.completionChanged.notify_all();
  if (op->hasRoutine()) {
    QueueRoutineLocked(op);  // hEvent is ignored when a routine is given
    return true;
  }
  if (op->event != 0) SetEventLocked(op->event);
  if (!op->holdsReferences()) return false;
  op->env->finishedQueue.push_back(op);
  RequestDelivery(op->env);
  return true;
}

void WaitForCompletion(const OverlappedState* state) {
  SyncState& sync = Sync();
  std::unique_lock<std::mutex> lock(sync.mutex);
  sync.completionChanged.wait(
      lock, [&] { return state->internal.load(std::memory_order_acquire) != STATUS_PENDING; });
}

}  // namespace wsn::backend
