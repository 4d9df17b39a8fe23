// The bookkeeping of the threads waiting on completion ports that both backends share. Each backend defines
// backend::PortWaiter (with at least env, port, alertable, id, done, result, settled, packets; its port has a
// `waiters` stack, the last to wait on top) and includes this after that definition. Every function runs under
// the backend's one lock. `unstacked(port)` is the backend's hook for a port that lost a waiter.
#pragma once
#include <algorithm>
#include <deque>
#include <vector>

#include "backend/backend.h"
#include "core/env_state.h"

namespace wsn::backend {

// Takes `waiter` off its port's stack, wherever it stands.
inline void Unstack(PortWaiter* waiter) {
  auto& waiters = waiter->port->waiters;
  auto it = std::find(waiters.begin(), waiters.end(), waiter);
  if (it != waiters.end()) waiters.erase(it);
}

inline void RemovePortWaiterLocked(EnvState* env, PortWaiter* waiter) {
  auto& waiters = env->portWaiters;
  waiters.erase(std::find(waiters.begin(), waiters.end(), waiter));
  delete waiter;
}

// Packets whose issuer is going away keep their state (its block) but lose the slot that died with it.
inline void Orphan(std::vector<PortPacket*>& packets, EnvState* env) {
  for (PortPacket* packet : packets) {
    if (packet->issuer == env) packet->issuer = nullptr;
  }
}

// An alertable dequeue with routines queued (and no packet) takes them and returns WAIT_IO_COMPLETION.
inline bool TakeRoutinesLocked(EnvState* env, bool alertable, std::deque<Operation*>* routines) {
  if (!alertable || env->routineQueue.empty()) return false;
  routines->swap(env->routineQueue);
  return true;
}

inline bool HasAlertablePortWaiterLocked(EnvState* env) {
  return std::any_of(env->portWaiters.begin(), env->portWaiters.end(),
                     [](PortWaiter* w) { return w->alertable && !w->done; });
}

// The async port waits a delivery settles: the done ones (a wait that got packets stays until TakeDequeued
// collects them; the rest are done with), and, when routines are queued and no event wait took them, the
// oldest alertable wait without a packet, which runs them and returns WAIT_IO_COMPLETION.
template <typename Unstacked>
void CollectPortWaitersLocked(EnvState* env, DeliveryBatch* batch, bool routinesTaken, Unstacked unstacked) {
  auto& waiters = env->portWaiters;
  for (auto it = waiters.begin(); it != waiters.end();) {
    PortWaiter* waiter = *it;
    if (waiter->done && !waiter->settled) {
      waiter->settled = true;
      batch->resolved.push_back({waiter->id, waiter->result, false});
      if (waiter->result != 0) {
        delete waiter;
        it = waiters.erase(it);
        continue;
      }
    }
    ++it;
  }
  if (routinesTaken || env->routineQueue.empty()) return;
  for (PortWaiter* waiter : waiters) {
    if (!waiter->alertable || waiter->done) continue;
    Unstack(waiter);
    unstacked(*waiter->port);
    batch->routines.swap(env->routineQueue);
    batch->resolved.push_back({waiter->id, WAIT_IO_COMPLETION, true});
    RemovePortWaiterLocked(env, waiter);
    return;
  }
}

// Withdraws an async port wait (its timeout passed). False if it is done already: its result is on its way.
template <typename Unstacked>
bool CancelPortWaiterLocked(EnvState* env, uint32_t waiterId, Unstacked unstacked) {
  for (PortWaiter* waiter : env->portWaiters) {
    if (waiter->id != waiterId) continue;
    if (waiter->done) return false;
    Unstack(waiter);
    unstacked(*waiter->port);
    RemovePortWaiterLocked(env, waiter);
    return true;
  }
  return false;
}

// The settled async wait `waiterId`, or nullptr (TakeDequeued collects its packets).
inline PortWaiter* SettledPortWaiterLocked(EnvState* env, uint32_t waiterId) {
  for (PortWaiter* waiter : env->portWaiters) {
    if (waiter->id == waiterId && waiter->settled) return waiter;
  }
  return nullptr;
}

}  // namespace wsn::backend
