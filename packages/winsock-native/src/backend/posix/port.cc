// Completion ports: creation, association, posting, dequeuing (blocking and async), closing.
#include "backend/posix/port.h"

#include "backend/port_waiters.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "backend/posix/socket.h"
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::posix {

static std::unordered_map<uint32_t, PortPtr>& Ports() {
  static auto* ports = new std::unordered_map<uint32_t, PortPtr>();  // never destroyed: see Sync()
  return *ports;
}

PortPtr FindPortLocked(uint32_t handle) {
  auto it = Ports().find(handle);
  return it == Ports().end() ? nullptr : it->second;
}

size_t PortCountLocked() { return Ports().size(); }

size_t PortWaiterCountLocked() {
  size_t waiting = 0;
  for (auto& entry : Ports()) waiting += entry.second->waiters.size();
  return waiting;
}

static void ReleaseSlotLocked(EnvState* issuer, uint32_t slot) {
  if (issuer == nullptr || !issuer->alive) return;
  issuer->releasedSlots.push_back(slot);
  RequestDelivery(issuer);
}

void DropPacketLocked(PortPacket* packet) {
  if (packet->state != nullptr) ReleaseSlotLocked(packet->issuer, packet->slot);
  FreePacket(packet);
}

static void TakeQueuedLocked(Port& port, size_t max, std::vector<PortPacket*>* out) {
  while (!port.queue.empty() && out->size() < max) {
    out->push_back(port.queue.front());
    port.queue.pop_front();
  }
}

static void ReleaseWaiterLocked(PortWaiter* waiter, uint32_t result) {
  waiter->done = true;
  waiter->result = result;
  if (waiter->async) {
    RequestDelivery(waiter->env);
  } else if (!IsCurrentThread(waiter->env)) {
    WakeEnvLocked(waiter->env);
  }
}

void EnqueueLocked(Port& port, PortPacket* packet) {
  if (port.closed) {
    DropPacketLocked(packet);
    return;
  }
  if (port.waiters.empty()) {
    port.queue.push_back(packet);
    return;
  }
  PortWaiter* waiter = port.waiters.back();  // LIFO: the thread that waited last runs next, its cache is warm
  port.waiters.pop_back();
  waiter->packets.push_back(packet);
  ReleaseWaiterLocked(waiter, 0);
}

// A waiter that goes away with packets it never handed to JS gives them back, at the front, in order.
static void GiveBackLocked(PortWaiter* waiter) {
  Port& port = *waiter->port;
  for (auto it = waiter->packets.rbegin(); it != waiter->packets.rend(); ++it) {
    if (port.closed) {
      DropPacketLocked(*it);
    } else {
      port.queue.push_front(*it);
    }
  }
  waiter->packets.clear();
  // Whoever waits now gets them.
  while (!port.queue.empty() && !port.waiters.empty()) {
    PortPacket* packet = port.queue.front();
    port.queue.pop_front();
    EnqueueLocked(port, packet);
  }
}

void DetachPortsLocked(EnvState* env) {
  for (PortWaiter* waiter : env->portWaiters) {
    Unstack(waiter);
    GiveBackLocked(waiter);
    delete waiter;
  }
  env->portWaiters.clear();
  env->releasedSlots.clear();
  for (auto& entry : Ports()) {
    for (PortPacket* packet : entry.second->queue) {
      if (packet->issuer == env) packet->issuer = nullptr;
    }
    for (PortWaiter* waiter : entry.second->waiters) backend::Orphan(waiter->packets, env);
  }
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

uint32_t CreatePort(EnvState*, uint32_t* handle) {
  SyncLock lock;
  auto port = std::make_shared<Port>(NextHandle());
  Ports().emplace(port->handle, port);
  *handle = port->handle;
  return 0;
}

uint32_t AssociatePort(uint32_t s, uint32_t portHandle, CompletionKey key) {
  SocketPtr socket = FindSocket(s);
  if (!socket) return ERROR_INVALID_HANDLE;
  PortPtr port;
  {
    SyncLock lock;
    port = FindPortLocked(portHandle);
  }
  if (!port) return ERROR_INVALID_HANDLE;
  std::lock_guard<std::mutex> lock(socket->mutex);
  if (socket->port) return ERROR_INVALID_PARAMETER;  // one port per socket, until it is closed
  socket->port = port;
  socket->portKey = key;
  return 0;
}

uint32_t ClosePortHandle(uint32_t handle) {
  SyncLock lock;
  auto it = Ports().find(handle);
  if (it == Ports().end()) return ERROR_INVALID_HANDLE;
  PortPtr port = std::move(it->second);
  Ports().erase(it);
  port->closed = true;
  for (PortPacket* packet : port->queue) DropPacketLocked(packet);
  port->queue.clear();
  std::vector<PortWaiter*> waiters;
  waiters.swap(port->waiters);
  for (PortWaiter* waiter : waiters) ReleaseWaiterLocked(waiter, ERROR_ABANDONED_WAIT_0);
  return 0;
}

uint32_t PostToPort(uint32_t portHandle, PortPacket* packet) {
  SyncLock lock;
  PortPtr port = FindPortLocked(portHandle);
  if (!port) return ERROR_INVALID_HANDLE;
  EnqueueLocked(*port, packet);
  return 0;
}

// What ends a blocking dequeue now, or kWaitRegistered.
static uint32_t DequeueOutcomeLocked(EnvState* env, PortWaiter& waiter, std::vector<PortPacket*>* out,
                                     std::deque<Operation*>* routines) {
  if (waiter.done) {
    if (waiter.result != 0) return waiter.result;
    out->swap(waiter.packets);
    TakeQueuedLocked(*waiter.port, waiter.max, out);  // more may have arrived behind the one that woke it
    return 0;
  }
  if (!waiter.port->queue.empty()) {
    TakeQueuedLocked(*waiter.port, waiter.max, out);
    return 0;
  }
  if (TakeRoutinesLocked(env, waiter.alertable, routines)) return WAIT_IO_COMPLETION;
  return kWaitRegistered;
}

uint32_t Dequeue(EnvState* env, const DequeueRequest& request, uint32_t timeoutMs, std::vector<PortPacket*>* out,
                 std::deque<Operation*>* routines, const std::function<bool()>& keepWaiting) {
  SyncLock lock;
  PortWaiter waiter;
  waiter.env = env;
  waiter.port = FindPortLocked(request.port);
  if (!waiter.port) return ERROR_INVALID_HANDLE;
  waiter.max = request.max;
  waiter.alertable = request.alertable;
  // Stands in the env's blocking-waiter place so that a routine queued meanwhile wakes an alertable dequeue.
  Waiter wakeable;
  wakeable.env = env;
  wakeable.alertable = request.alertable;
  env->blockingWaiter = &wakeable;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  auto nextCheck = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTerminationCheckMs);
  uint32_t result;
  bool stacked = false;
  for (;;) {
    if ((result = DequeueOutcomeLocked(env, waiter, out, routines)) != kWaitRegistered) break;
    lock.unlock();
    const bool handled = DriveEngines(env);  // completions of this and other threads, as the kernel would
    lock.lock();
    if ((result = DequeueOutcomeLocked(env, waiter, out, routines)) != kWaitRegistered) break;
    const auto now = std::chrono::steady_clock::now();
    int sleepMs = -1;
    if (timeoutMs != WSA_INFINITE) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      if (left.count() <= 0) {
        result = WAIT_TIMEOUT;
        break;
      }
      sleepMs = static_cast<int>(left.count());
    }
    if (now >= nextCheck) {
      lock.unlock();
      const bool wanted = keepWaiting();
      lock.lock();
      if (!wanted) {
        result = kWaitAbandoned;
        break;
      }
      nextCheck = now + std::chrono::milliseconds(kTerminationCheckMs);
    }
    const int checkMs = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(nextCheck - now).count()) + 1;
    if (sleepMs < 0 || sleepMs > checkMs) sleepMs = checkMs;
    if (!stacked) {
      waiter.port->waiters.push_back(&waiter);
      stacked = true;
    }
    if (handled) continue;
    lock.unlock();
    SleepUntilActivity(env, -1, 0, true, sleepMs);
    lock.lock();
  }
  if (stacked && !waiter.done) Unstack(&waiter);
  if (result != 0 && !waiter.packets.empty()) GiveBackLocked(&waiter);  // handed over while it was giving up
  env->blockingWaiter = nullptr;
  return result;
}

uint32_t DequeueAsync(EnvState* env, const DequeueRequest& request, std::vector<PortPacket*>* out,
                      uint32_t* waiterId) {
  SyncLock lock;
  PortPtr port = FindPortLocked(request.port);
  if (!port) return ERROR_INVALID_HANDLE;
  if (!port->queue.empty()) {
    TakeQueuedLocked(*port, request.max, out);
    return 0;
  }
  auto* waiter = new PortWaiter();
  waiter->env = env;
  waiter->port = port;
  waiter->max = request.max;
  waiter->alertable = request.alertable;
  waiter->async = true;
  waiter->id = env->nextWaiterId++;
  env->portWaiters.push_back(waiter);
  port->waiters.push_back(waiter);
  // Routines run from a delivery, never inside the call that returns the promise.
  if (request.alertable && !env->routineQueue.empty()) RequestDelivery(env);
  *waiterId = waiter->id;
  return kWaitRegistered;
}

void TakeDequeued(EnvState* env, uint32_t waiterId, std::vector<PortPacket*>* out) {
  SyncLock lock;
  PortWaiter* waiter = SettledPortWaiterLocked(env, waiterId);
  if (waiter == nullptr) return;
  out->swap(waiter->packets);
  TakeQueuedLocked(*waiter->port, waiter->max, out);  // more may have arrived behind the one that woke it
  RemovePortWaiterLocked(env, waiter);
}

void ReturnPackets(EnvState* dequeuer, std::vector<PortPacket*>* packets) {
  SyncLock lock;
  for (PortPacket* packet : *packets) {
    if (packet->state != nullptr && packet->issuer != dequeuer) ReleaseSlotLocked(packet->issuer, packet->slot);
    FreePacket(packet);
  }
  packets->clear();
}

}  // namespace wsn::backend
