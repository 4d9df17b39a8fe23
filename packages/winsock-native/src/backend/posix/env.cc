// Per-env attach/detach: what a worker's exit or the process's exit must undo.
#include <algorithm>

#include "backend/posix/reactor.h"
#include "backend/posix/socket.h"
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::backend {
using namespace wsn::posix;

void AttachEnv(EnvState*) {}

// Takes the env's ops out of a socket that outlives it (another env created the socket).
static void RemoveOperationsOf(EnvState* env, Socket& socket, std::vector<Operation*>* removed) {
  std::lock_guard<std::mutex> lock(socket.mutex);
  for (auto* queue : {&socket.readQueue, &socket.writeQueue}) {
    auto mine = std::stable_partition(queue->begin(), queue->end(), [&](Operation* op) { return op->env != env; });
    removed->insert(removed->end(), mine, queue->end());
    queue->erase(mine, queue->end());
  }
}

void DetachEnv(EnvState* env, DeliveryBatch* leftovers) {
  {
    std::lock_guard<std::mutex> lock(Sync().mutex);
    env->alive = false;  // from now on nothing asks for a delivery on this env
  }
  for (const SocketPtr& socket : AllSockets()) {
    if (socket->owner != env) {
      RemoveOperationsOf(env, *socket, &leftovers->finished);
      continue;
    }
    RemoveSocket(socket->handle);
    std::deque<Operation*> aborted;
    CloseRemovedSocket(*socket, &aborted);
    for (Operation* op : aborted) {
      if (op->env == env) {
        leftovers->finished.push_back(op);  // its JS thread is gone: no routine, no event, just release
      } else {
        op->error = WSA_OPERATION_ABORTED;
        AnnounceCompletion(op);
      }
    }
  }
  // Every socket lock has been taken once above, so no I/O-thread completion for this env is still in flight.
  std::lock_guard<std::mutex> lock(Sync().mutex);
  auto& finished = leftovers->finished;
  finished.insert(finished.end(), env->routineQueue.begin(), env->routineQueue.end());
  finished.insert(finished.end(), env->finishedQueue.begin(), env->finishedQueue.end());
  env->routineQueue.clear();
  env->finishedQueue.clear();
  for (Waiter* waiter : env->asyncWaiters) {
    UnregisterLocked(waiter);
    leftovers->resolved.push_back({waiter->callback, WSA_WAIT_FAILED, false});
    delete waiter;
  }
  env->asyncWaiters.clear();
  CloseEventsOfLocked(env);
}

void ReleaseReactor(EnvState* env) {
  if (env->usesReactor) reactor::Release();
  env->usesReactor = false;
}

}  // namespace wsn::backend
