// Completion ports on real ones: CreateIoCompletionPort, PostQueuedCompletionStatus and
// GetQueuedCompletionStatusEx do the queueing; this file adds what JS needs around them.
//
// Packets. Every packet in a port is one we posted (operations go to the kernel with hEvent | 1, see
// overlapped_io.cc): a completion once its WSAOVERLAPPED state is written, or a PostQueuedCompletionStatus.
// Its lpOverlapped is a token, a 64-bit number that is never reused, which the registry below maps to the
// PortPacket. Not the PortPacket's address: a packet freed while its token may still come out of a kernel queue
// (a port closed while a thread was taking packets out of it) could otherwise be confused with a new packet
// allocated at the same address. Anything dequeued that is no token of ours is ignored. The registry also
// knows every live packet, so an env's teardown can orphan the packets it issued (packet->issuer = nullptr)
// wherever they are: queued, held by a waiter, or in another thread's hands until ReturnPackets.
//
// Waiting. Windows releases the threads waiting on a port LIFO and keeps a thread's place while it waits. A JS
// thread must wake every kTerminationCheckMs to ask whether it is being terminated, and re-entering
// GetQueuedCompletionStatusEx would put it back on top of the kernel's stack (Wine's ports are FIFO anyway).
// So the waiters stack up here (PortRecord::waiters, LIFO) and one pump thread per port in use sits in the
// real GetQueuedCompletionStatusEx for them, handing what it takes to the waiter on top. A blocked JS thread
// waits on an event of its own (alertable if asked, so a queued routine's wake-up APC reaches it), and keeps
// its place on the stack while it checks keepWaiting(). An async wait (GetQueuedCompletionStatusAsync) is a
// waiter like any other and its result arrives through a delivery: it never blocks the loop. Cancelling one
// just takes it off the stack, under the lock under which packets are handed over: no packet can be lost or
// reordered by a cancellation. Packets the pump takes when nobody waits any more (the last waiter left while it
// was in the kernel) are `held` and come out first, so the port stays FIFO.
#include "backend/win/win.h"

#include <algorithm>

#include "backend/port_waiters.h"

namespace wsn::win {

struct PortPump {
  HANDLE thread = nullptr;
  HANDLE wake = nullptr;              // auto-reset: a job was handed over
  std::shared_ptr<PortRecord> job;    // under Win().mutex
};

namespace {

constexpr size_t kMaxIdlePumps = 8;
constexpr ULONG kMaxEntries = 64;     // what the pump takes at once at most (a waiter asking more tops up)

struct PacketEntry {
  uint64_t token = 0;
  PortRecord* queuedIn = nullptr;     // in that port's kernel queue; nullptr once taken out
};

// Under Win().mutex.
std::unordered_map<PortPacket*, PacketEntry>& Packets() {
  static auto* packets = new std::unordered_map<PortPacket*, PacketEntry>();  // never destroyed: see Win()
  return *packets;
}
std::unordered_map<uint64_t, PortPacket*>& Tokens() {
  static auto* tokens = new std::unordered_map<uint64_t, PortPacket*>();
  return *tokens;
}
uint64_t nextToken = 0x10000;         // under Win().mutex; small values look like no pointer at all
std::vector<PortPump*> idlePumps;     // under Win().mutex

VOID NTAPI StopApc(ULONG_PTR) {}

std::shared_ptr<PortRecord> FindPortLocked(uint32_t handle) {
  auto it = Win().ports.find(handle);
  return it == Win().ports.end() ? nullptr : it->second;
}

void ReleaseSlotLocked(EnvState* issuer, uint32_t slot) {
  if (issuer == nullptr || !issuer->alive) return;
  issuer->releasedSlots.push_back(slot);
  RequestDelivery(issuer);
}

// The packets of the kernel's entries, in order (tokens of ours only), now taken out of their port's queue.
void ResolveLocked(const OVERLAPPED_ENTRY* entries, ULONG count, std::vector<PortPacket*>* out) {
  for (ULONG i = 0; i < count; i++) {
    auto it = Tokens().find(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(entries[i].lpOverlapped)));
    if (it == Tokens().end()) continue;  // not ours (cannot happen), or freed with a closed port
    PortPacket* packet = it->second;
    Tokens().erase(it);
    PacketEntry& entry = Packets()[packet];
    entry.queuedIn->queued--;
    entry.queuedIn = nullptr;
    out->push_back(packet);
  }
}

// Takes up to `max` packets without waiting for one: the held ones first, then the kernel queue's. While the
// pump is in the kernel, packets in the kernel queue are on their way to it and only it may take them out (a
// packet taken here could overtake older ones the pump holds before it gets the lock): `mayWait` waits the
// moment it takes the pump to bring them to `held`; without it, only the held ones are taken.
void TakeNowLocked(PortRecord& port, size_t max, std::vector<PortPacket*>* out, bool mayWait) {
  for (;;) {
    while (!port.held.empty() && out->size() < max) {
      out->push_back(port.held.front());
      port.held.pop_front();
    }
    if (out->size() >= max || port.queued == 0 || port.closed) return;
    if (port.pumpInKernel) {
      if (!mayWait) return;
      std::unique_lock<std::mutex> lock(Win().mutex, std::adopt_lock);  // the caller holds it
      Win().portChanged.wait(lock, [&] { return !port.pumpInKernel || port.closed; });
      lock.release();
      continue;
    }
    OVERLAPPED_ENTRY entries[kMaxEntries];
    const ULONG want = static_cast<ULONG>(std::min<size_t>(max - out->size(), kMaxEntries));
    ULONG removed = 0;
    if (!GetQueuedCompletionStatusEx(port.own, entries, want, &removed, 0, FALSE) || removed == 0) return;
    ResolveLocked(entries, removed, out);
    if (removed < want) return;
  }
}

void ReleaseWaiterLocked(PortWaiter* waiter, uint32_t result) {
  waiter->done = true;
  waiter->result = result;
  if (waiter->async) {
    RequestDelivery(waiter->env);
  } else {
    ::SetEvent(waiter->wake);
  }
}

// Hands the held packets to the waiters, the last to wait first, each topped up from the kernel queue as far as
// its count allows (GetQueuedCompletionStatusEx takes what is there, up to ulCount).
void DispatchLocked(PortRecord& port) {
  while (!port.held.empty() && !port.waiters.empty()) {
    PortWaiter* waiter = port.waiters.back();
    port.waiters.pop_back();
    TakeNowLocked(port, waiter->max, &waiter->packets, false);
    ReleaseWaiterLocked(waiter, 0);
  }
}

// A waiter that goes away with packets it never handed to JS gives them back, at the front, in order.
void GiveBackLocked(PortWaiter* waiter) {
  PortRecord& port = *waiter->port;
  for (auto it = waiter->packets.rbegin(); it != waiter->packets.rend(); ++it) {
    if (port.closed) {
      DropPacketLocked(*it);
    } else {
      port.held.push_front(*it);
    }
  }
  waiter->packets.clear();
  DispatchLocked(port);
}

// The pump leaves the kernel soon if nobody needs it there.
void QuietPumpLocked(PortRecord& port) {
  if (port.pump != nullptr && port.pumpInKernel && (port.waiters.empty() || port.closed)) {
    QueueUserAPC(StopApc, port.pump->thread, 0);
  }
}

DWORD WINAPI PumpLoop(void* argument);

void EnsurePumpLocked(const std::shared_ptr<PortRecord>& port) {
  if (port->pump != nullptr) return;
  PortPump* pump;
  if (!idlePumps.empty()) {
    pump = idlePumps.back();
    idlePumps.pop_back();
  } else {
    pump = new PortPump();
    pump->wake = CreateEventW(nullptr, FALSE, FALSE, nullptr);
    pump->thread = pump->wake == nullptr ? nullptr
                                         : CreateThread(nullptr, 64 * 1024, PumpLoop, pump,
                                                        STACK_SIZE_PARAM_IS_A_RESERVATION, nullptr);
    if (pump->thread == nullptr) {
      // No thread: the waiters get what a poll finds when they look again (blocking ones every slice).
      if (pump->wake != nullptr) CloseHandle(pump->wake);
      delete pump;
      return;
    }
  }
  pump->job = port;
  port->pump = pump;
  ::SetEvent(pump->wake);
}

DWORD WINAPI PumpLoop(void* argument) {
  auto* self = static_cast<PortPump*>(argument);
  OVERLAPPED_ENTRY entries[kMaxEntries];
  for (;;) {
    WaitForSingleObject(self->wake, INFINITE);
    std::unique_lock<std::mutex> lock(Win().mutex);
    std::shared_ptr<PortRecord> port = self->job;
    for (;;) {
      if (port->closed || port->waiters.empty()) break;
      // Packets that arrived while nobody was in the kernel for the waiters.
      TakeNowLocked(*port, port->waiters.back()->max, &port->waiters.back()->packets, false);
      if (!port->waiters.back()->packets.empty()) {
        PortWaiter* waiter = port->waiters.back();
        port->waiters.pop_back();
        ReleaseWaiterLocked(waiter, 0);
        continue;
      }
      const ULONG want = static_cast<ULONG>(std::min<uint32_t>(port->waiters.back()->max, kMaxEntries));
      const HANDLE own = port->own;
      port->pumpInKernel = true;
      lock.unlock();
      ULONG removed = 0;
      BOOL ok = GetQueuedCompletionStatusEx(own, entries, want, &removed, INFINITE, TRUE);
      DWORD error = ok ? 0 : GetLastError();
      lock.lock();
      port->pumpInKernel = false;
      Win().portChanged.notify_all();
      if (ok) {
        std::vector<PortPacket*> taken;
        ResolveLocked(entries, removed, &taken);
        port->held.insert(port->held.end(), taken.begin(), taken.end());
        DispatchLocked(*port);
        continue;
      }
      if (error == WAIT_IO_COMPLETION) continue;  // asked to look again (or a late request meant for a past job)
      if (!port->closed) {
        // The kernel gave up on a port we hold open: cannot happen. Tell the waiters rather than spin.
        std::vector<PortWaiter*> waiters;
        waiters.swap(port->waiters);
        for (PortWaiter* waiter : waiters) ReleaseWaiterLocked(waiter, error);
      }
      break;
    }
    port->pump = nullptr;
    self->job.reset();
    port.reset();
    if (idlePumps.size() >= kMaxIdlePumps) {
      lock.unlock();
      CloseHandle(self->wake);
      CloseHandle(self->thread);
      delete self;
      return 0;
    }
    idlePumps.push_back(self);
  }
}

}  // namespace

PortRecord::~PortRecord() {
  if (own != nullptr) CloseHandle(own);
}

uint32_t QueuePacketLocked(PortRecord& port, PortPacket* packet) {
  if (port.closed) return ERROR_INVALID_HANDLE;
  const uint64_t token = nextToken++;
  if (!PostQueuedCompletionStatus(port.own, packet->bytes, static_cast<ULONG_PTR>(packet->key.value),
                                  reinterpret_cast<LPOVERLAPPED>(static_cast<uintptr_t>(token)))) {
    return GetLastError();
  }
  Packets()[packet] = {token, &port};
  Tokens()[token] = packet;
  port.queued++;
  return 0;
}

void DropPacketLocked(PortPacket* packet) {
  auto it = Packets().find(packet);
  if (it != Packets().end()) {
    if (it->second.queuedIn != nullptr) {
      Tokens().erase(it->second.token);
      it->second.queuedIn->queued--;
    }
    Packets().erase(it);
  }
  if (packet->state != nullptr) ReleaseSlotLocked(packet->issuer, packet->slot);
  FreePacket(packet);
}

void DetachPortsLocked(EnvState* env) {
  for (PortWaiter* waiter : env->portWaiters) {
    Unstack(waiter);
    backend::Orphan(waiter->packets, env);
    GiveBackLocked(waiter);
    QuietPumpLocked(*waiter->port);
    delete waiter;
  }
  env->portWaiters.clear();
  env->releasedSlots.clear();
  for (auto& entry : Packets()) {
    if (entry.first->issuer == env) entry.first->issuer = nullptr;
  }
}

uint32_t OldestAlertablePortWaiterLocked(EnvState* env) {
  for (PortWaiter* waiter : env->portWaiters) {
    if (waiter->alertable && !waiter->done) return waiter->id;
  }
  return 0;
}

void CollectPortWaitersLocked(EnvState* env, backend::DeliveryBatch* batch, bool routinesTaken) {
  backend::CollectPortWaitersLocked(env, batch, routinesTaken, QuietPumpLocked);
}

size_t PortWaiterCountLocked() {
  size_t waiting = 0;
  for (auto& entry : Win().ports) waiting += entry.second->waiters.size();
  return waiting;
}

bool CancelPortWaiterLocked(EnvState* env, uint32_t waiterId) {
  return backend::CancelPortWaiterLocked(env, waiterId, QuietPumpLocked);
}

}  // namespace wsn::win

namespace wsn::backend {
using namespace wsn::win;

uint32_t CreatePort(EnvState*, uint32_t* handle) {
  if (uint32_t error = CheckStarted()) return error;
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 0);
  if (port == nullptr) return GetLastError();
  auto record = std::make_shared<PortRecord>();
  if (!DuplicateHandle(GetCurrentProcess(), port, GetCurrentProcess(), &record->own, 0, FALSE,
                       DUPLICATE_SAME_ACCESS)) {
    uint32_t error = GetLastError();
    CloseHandle(port);
    return error;
  }
  record->handle = FromHandle(reinterpret_cast<uintptr_t>(port));
  std::lock_guard<std::mutex> lock(Win().mutex);
  Win().ports[record->handle] = record;
  *handle = record->handle;
  return 0;
}

uint32_t AssociatePort(uint32_t s, uint32_t portHandle, CompletionKey key) {
  if (uint32_t error = CheckStarted()) return error;
  std::lock_guard<std::mutex> lock(Win().mutex);
  std::shared_ptr<PortRecord> port = FindPortLocked(portHandle);
  // Only handles of ours go to the kernel: a number that happens to be libuv's own port must not be touched.
  // What Windows reports for a closed socket or a closed port alike (ERROR_INVALID_HANDLE).
  if (Win().sockets.find(s) == Win().sockets.end() || !port) return ERROR_INVALID_HANDLE;
  // The kernel keeps one association per socket (a second one fails with ERROR_INVALID_PARAMETER).
  if (CreateIoCompletionPort(reinterpret_cast<HANDLE>(ToSocket(s)), port->own, static_cast<ULONG_PTR>(key.value),
                             0) == nullptr) {
    return GetLastError();
  }
  SocketPortPtr& socketPort = Win().socketPorts[s];
  if (!socketPort) socketPort = std::make_shared<SocketPort>();
  socketPort->port = port;
  socketPort->key = key;
  return 0;
}

uint32_t ClosePortHandle(uint32_t handle) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  std::shared_ptr<PortRecord> port = FindPortLocked(handle);
  if (!port) return ERROR_INVALID_HANDLE;
  Win().ports.erase(handle);
  port->closed = true;
  CloseHandle(ToHandle(handle));
  // Packets left in it: nobody can take them out any more. Their issuers' slots are released.
  for (PortPacket* packet : port->held) DropPacketLocked(packet);
  port->held.clear();
  std::vector<PortPacket*> queued;
  for (auto& entry : Packets()) {
    if (entry.second.queuedIn == port.get()) queued.push_back(entry.first);
  }
  for (PortPacket* packet : queued) DropPacketLocked(packet);
  std::vector<PortWaiter*> waiters;
  waiters.swap(port->waiters);
  for (PortWaiter* waiter : waiters) ReleaseWaiterLocked(waiter, ERROR_ABANDONED_WAIT_0);
  QuietPumpLocked(*port);
  Win().portChanged.notify_all();
  return 0;
}

uint32_t PostToPort(uint32_t portHandle, PortPacket* packet) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  std::shared_ptr<PortRecord> port = FindPortLocked(portHandle);
  if (!port) return ERROR_INVALID_HANDLE;
  return QueuePacketLocked(*port, packet);
}

static uint32_t Remaining(uint32_t timeoutMs, ULONGLONG start) {
  if (timeoutMs == INFINITE) return INFINITE;
  ULONGLONG elapsed = GetTickCount64() - start;
  return elapsed >= timeoutMs ? 0 : static_cast<uint32_t>(timeoutMs - elapsed);
}

// What ends a blocking dequeue now, or kWaitRegistered.
static uint32_t DequeueOutcomeLocked(EnvState* env, PortWaiter& waiter, std::vector<PortPacket*>* out,
                                     std::deque<Operation*>* routines) {
  if (waiter.done) {
    if (waiter.result != 0) return waiter.result;
    out->swap(waiter.packets);
    return 0;
  }
  if (TakeRoutinesLocked(env, waiter.alertable, routines)) return WAIT_IO_COMPLETION;
  return kWaitRegistered;
}

uint32_t Dequeue(EnvState* env, const DequeueRequest& request, uint32_t timeoutMs, std::vector<PortPacket*>* out,
                 std::deque<Operation*>* routines, const std::function<bool()>& keepWaiting) {
  if (uint32_t error = CheckStarted()) return error;
  PortWaiter waiter;
  waiter.env = env;
  waiter.max = request.max;
  waiter.alertable = request.alertable;
  // Stands in the env's blocking-waiter place so that a routine queued meanwhile wakes an alertable dequeue.
  Waiter wakeable;
  wakeable.env = env;
  wakeable.alertable = request.alertable;
  std::unique_lock<std::mutex> lock(Win().mutex);
  waiter.port = FindPortLocked(request.port);
  if (!waiter.port) return ERROR_INVALID_HANDLE;
  if (request.max == 0) return ERROR_INVALID_PARAMETER;  // GetQueuedCompletionStatusEx with ulCount 0
  // A packet first: with one queued an alertable wait returns it and runs no routine.
  TakeNowLocked(*waiter.port, waiter.max, out, true);
  if (!out->empty()) return 0;
  if (TakeRoutinesLocked(env, request.alertable, routines)) return WAIT_IO_COMPLETION;
  if (timeoutMs == 0) return WAIT_TIMEOUT;
  EnvRecord& record = Win().envs[env];
  if (record.portWake == nullptr) record.portWake = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  if (record.portWake == nullptr) return GetLastError();
  waiter.wake = record.portWake;
  ::ResetEvent(waiter.wake);
  env->blockingWaiter = &wakeable;
  waiter.port->waiters.push_back(&waiter);
  EnsurePumpLocked(waiter.port);
  const ULONGLONG start = GetTickCount64();
  ULONGLONG nextCheck = start + kTerminationCheckMs;
  uint32_t result;
  for (;;) {
    if ((result = DequeueOutcomeLocked(env, waiter, out, routines)) != kWaitRegistered) break;
    const uint32_t remaining = Remaining(timeoutMs, start);
    if (remaining == 0) {
      result = WAIT_TIMEOUT;
      break;
    }
    const ULONGLONG now = GetTickCount64();
    if (now >= nextCheck) {
      lock.unlock();
      const bool wanted = keepWaiting();  // still on the stack: its place among the waiters is kept
      lock.lock();
      if (!wanted) {
        result = kWaitAbandoned;
        break;
      }
      nextCheck = GetTickCount64() + kTerminationCheckMs;
      continue;
    }
    const DWORD slice = static_cast<DWORD>(std::min<ULONGLONG>(remaining, nextCheck - now));
    if (waiter.port->pump == nullptr && !waiter.done) EnsurePumpLocked(waiter.port);  // the pump let go meanwhile
    lock.unlock();
    WaitForSingleObjectEx(waiter.wake, slice, request.alertable);  // an APC: a routine was queued
    lock.lock();
  }
  if (!waiter.done) {
    Unstack(&waiter);
    QuietPumpLocked(*waiter.port);
  }
  if (result != 0 && !waiter.packets.empty()) GiveBackLocked(&waiter);  // handed over while it was giving up
  env->blockingWaiter = nullptr;
  lock.unlock();
  if (request.alertable) SleepEx(0, TRUE);  // swallow wake-up APCs that are late now, so none leaks to a later wait
  return result;
}

uint32_t DequeueAsync(EnvState* env, const DequeueRequest& request, std::vector<PortPacket*>* out,
                      uint32_t* waiterId) {
  if (uint32_t error = CheckStarted()) return error;
  std::lock_guard<std::mutex> lock(Win().mutex);
  std::shared_ptr<PortRecord> port = FindPortLocked(request.port);
  if (!port) return ERROR_INVALID_HANDLE;
  if (request.max == 0) return ERROR_INVALID_PARAMETER;
  TakeNowLocked(*port, request.max, out, true);
  if (!out->empty()) return 0;
  auto* waiter = new PortWaiter();
  waiter->env = env;
  waiter->port = port;
  waiter->max = request.max;
  waiter->alertable = request.alertable;
  waiter->async = true;
  waiter->id = env->nextWaiterId++;
  env->portWaiters.push_back(waiter);
  port->waiters.push_back(waiter);
  EnsurePumpLocked(port);
  // Routines run from a delivery, never inside the call that returns the promise.
  if (request.alertable && !env->routineQueue.empty()) RequestDelivery(env);
  *waiterId = waiter->id;
  return kWaitRegistered;
}

void TakeDequeued(EnvState* env, uint32_t waiterId, std::vector<PortPacket*>* out) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  PortWaiter* waiter = SettledPortWaiterLocked(env, waiterId);
  if (waiter == nullptr) return;
  out->swap(waiter->packets);
  // More may have arrived behind the ones that woke it, as GetQueuedCompletionStatusEx would take them.
  if (!waiter->port->closed) TakeNowLocked(*waiter->port, waiter->max, out, true);
  RemovePortWaiterLocked(env, waiter);
}

void ReturnPackets(EnvState* dequeuer, std::vector<PortPacket*>* packets) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  for (PortPacket* packet : *packets) {
    auto it = Packets().find(packet);
    if (it != Packets().end()) {
      if (it->second.queuedIn != nullptr) Tokens().erase(it->second.token);  // cannot happen: it was dequeued
      Packets().erase(it);
    }
    if (packet->state != nullptr && packet->issuer != dequeuer) ReleaseSlotLocked(packet->issuer, packet->slot);
    FreePacket(packet);
  }
  packets->clear();
}

uint32_t SetCompletionModes(uint32_t s, uint32_t modes) {
  if (uint32_t error = CheckStarted()) return error;
  std::lock_guard<std::mutex> lock(Win().mutex);
  if (Win().sockets.find(s) == Win().sockets.end()) return ERROR_INVALID_HANDLE;
  if (!SetFileCompletionNotificationModes(reinterpret_cast<HANDLE>(ToSocket(s)), static_cast<UCHAR>(modes))) {
    return GetLastError();
  }
  SocketPortPtr& socketPort = Win().socketPorts[s];
  if (!socketPort) socketPort = std::make_shared<SocketPort>();
  socketPort->modes |= modes;  // neither mode can be turned off again
  return 0;
}

}  // namespace wsn::backend
