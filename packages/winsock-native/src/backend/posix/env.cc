// Per-env detach: what a worker's exit or the process's exit must undo. (Attaching is the engine's:
// backend/linux/engine.cc.)
#include <algorithm>
#include <chrono>

#include "backend/posix/port.h"
#include "backend/posix/socket.h"
#include "backend/posix/socket_io.h"
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::backend {
using namespace wsn::posix;

// Takes the env's ops out of a socket that outlives it (another env created the socket). Returns how many.
static size_t RemoveOperationsOf(EnvState* env, Socket& socket, std::vector<Operation*>* removed) {
  std::lock_guard<std::mutex> lock(socket.mutex);
  auto mine = [&](Operation* op) { return op->env == env; };
  const size_t taken = socket.readQueue.TakeIf(mine, removed) + socket.writeQueue.TakeIf(mine, removed) +
                       socket.acceptQueue.TakeIf(mine, removed);
  return taken - CancelKernelHeldLocked(socket, removed, WSA_OPERATION_ABORTED);  // those still count in flight
}

void DetachEnv(EnvState* env, DeliveryBatch* leftovers) {
  {
    SyncLock lock;
    env->alive = false;  // from now on nothing asks for a delivery on this env
  }
  size_t taken = 0;
  for (const SocketPtr& socket : AllSockets()) {
    if (socket->owner != env) {
      taken += RemoveOperationsOf(env, *socket, &leftovers->finished);
      continue;
    }
    RemoveSocket(socket->handle);
    std::deque<Operation*> aborted;
    CloseRemovedSocket(*socket, &aborted);
    for (Operation* op : aborted) {
      if (op->env == env) {
        leftovers->finished.push_back(op);  // its JS thread is gone: no routine, no event, just release
        taken++;
      } else {
        op->error = ClosedUnderError(op);
        AnnounceCompletion(op);
      }
    }
  }
  SyncLock lock;
  env->operationsInFlight.fetch_sub(static_cast<uint32_t>(taken), std::memory_order_acq_rel);
  // Operations another thread took out of a queue before we looked (a closesocket elsewhere, a drain in
  // progress) are still in its hands: it announces them into this env's queues, and only then may the env go.
  // Those the kernel still holds (the io_uring engine) come back through a ring's completion queue: this
  // thread's own ring has no one else to drain it, so the wait drives the engines itself.
  while (env->operationsInFlight.load() != 0) {
    lock.unlock();
    DriveEngines(env);
    lock.lock();
    Sync().operationsReturned.wait_for(lock.native(), std::chrono::milliseconds(1),
                                       [&] { return env->operationsInFlight.load() == 0; });
  }
  auto& finished = leftovers->finished;
  finished.insert(finished.end(), env->routineQueue.begin(), env->routineQueue.end());
  finished.insert(finished.end(), env->finishedQueue.begin(), env->finishedQueue.end());
  env->routineQueue.clear();
  env->finishedQueue.clear();
  for (Waiter* waiter : env->asyncWaiters) {
    waiter->queuedReady = false;
    UnregisterLocked(waiter);
    delete waiter;
  }
  env->asyncWaiters.clear();
  env->readyWaiters.clear();
  DetachPortsLocked(env);
  CloseEventsOfLocked(env);
}

ResourceCounts CountResources() {
  ResourceCounts counts;
  counts.sockets = static_cast<uint32_t>(SocketCount());
  SyncLock lock;
  counts.events = static_cast<uint32_t>(Sync().events.size());
  counts.ports = static_cast<uint32_t>(PortCountLocked());
  counts.portWaiters = static_cast<uint32_t>(PortWaiterCountLocked());
  return counts;
}

}  // namespace wsn::backend
