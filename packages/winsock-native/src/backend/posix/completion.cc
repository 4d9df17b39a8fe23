// How a finished overlapped operation is announced: exactly the same for an immediate and a late completion.
#include <algorithm>

#include "backend/posix/port.h"
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::backend {
using namespace wsn::posix;

// Under the Sync lock. An operation that was queued in a socket is no longer anywhere another thread can reach:
// a detaching env waits for this moment (DetachEnv).
static void ReturnedLocked(Operation* op) {
  EnvState* env = op->env;
  if (env->operationsInFlight.fetch_sub(1, std::memory_order_acq_rel) == 1 && !env->alive) {
    Sync().operationsReturned.notify_all();
  }
}

bool AnnounceCompletion(Operation* op) {
  OverlappedState* state = op->state;
  state->error.store(op->error, std::memory_order_relaxed);
  state->flags.store(op->resultFlags, std::memory_order_relaxed);
  state->internalHigh.store(static_cast<uint32_t>(op->transferred), std::memory_order_relaxed);

  SyncLock lock;
  // Stored under the lock so a blocked WSAGetOverlappedResult cannot miss it.
  state->internal.store(NtStatusFromWsaError(op->error), std::memory_order_release);
  for (EnvState* waiting : Sync().completionWaiters) {
    if (!IsCurrentThread(waiting)) WakeEnvLocked(waiting);
  }
  EnvState* env = op->env;
  const bool wasQueued = op->socket != nullptr;
  if (wasQueued) ReturnedLocked(op);
  if (!env->alive) {
    // Its thread is going away: no routine, no event, just handed back to the teardown.
    env->finishedQueue.push_back(op);
    return true;
  }
  if (op->hasRoutine()) {
    QueueRoutineLocked(op);  // hEvent is ignored when a routine is given
    return true;
  }
  if (op->event != 0) SetEventLocked(op->event);
  // The event and the state are set before the packet can be dequeued.
  if (op->port && !op->noPacket) {
    EnqueueLocked(*std::static_pointer_cast<Port>(op->port), PacketForCompletion(op, op->key));
  }
  if (!op->holdsReferences()) return false;  // an immediate completion retained nothing: the caller recycles it
  env->finishedQueue.push_back(op);
  RequestDelivery(env);
  return true;
}

void WaitForCompletion(EnvState* env, const OverlappedState* state) {
  SyncLock lock;
  auto done = [&] { return state->internal.load(std::memory_order_acquire) != STATUS_PENDING; };
  Sync().completionWaiters.push_back(env);
  while (!done()) {
    lock.unlock();
    if (!DriveEngines(env)) {
      lock.lock();
      if (done()) break;
      lock.unlock();
      SleepUntilActivity(env, -1, 0, true, -1);
    }
    lock.lock();
  }
  auto& waiters = Sync().completionWaiters;
  waiters.erase(std::find(waiters.begin(), waiters.end(), env));
}

}  // namespace wsn::backend
