// The emulation's synchronisation objects: event objects, waiters, per-env routine (APC) queues.
// One process-wide mutex guards all of them and the queue fields of every EnvState: simple and obviously
// correct. Lock order: an engine's drain lock, then a socket's mutex, then this one; never the other way round.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "backend/backend.h"
#include "backend/posix/engine.h"

namespace wsn::posix {
struct EventObject;
}  // namespace wsn::posix

namespace wsn::backend {

struct Waiter {
  EnvState* env = nullptr;
  std::vector<uint32_t> handles;
  std::vector<posix::EventObject*> objects;  // handles resolved once (ResolveLocked); nullptr: closed since
  bool waitAll = false;
  bool alertable = false;
  // Async waiters only.
  bool async = false;
  uint32_t id = 0;
  bool poll = false;
  bool queuedReady = false;  // in env->readyWaiters: an event it names was set since the last delivery
};

}  // namespace wsn::backend

namespace wsn::posix {

using backend::Waiter;

struct EventObject {
  EnvState* owner = nullptr;
  bool signaled = false;              // manual-reset: stays set until WSAResetEvent
  std::vector<Waiter*> waiters;       // registered waits that name this event
};

struct SyncState {
  std::mutex mutex;
  std::condition_variable operationsReturned;  // DetachEnv waits on it for operations other threads hold
  std::unordered_map<uint32_t, EventObject> events;
  std::vector<EnvState*> completionWaiters;    // threads in WSAGetOverlappedResult(fWait = TRUE)
};

SyncState& Sync();
uint32_t NextHandle();  // SOCKET and WSAEVENT values: one counter, never reused

// Sync().mutex, held for a scope; the wakes deferred under it are written once it is released.
class SyncLock {
 public:
  SyncLock() : lock_(Sync().mutex) {}
  ~SyncLock() {
    if (lock_.owns_lock()) unlock();
  }
  void lock() { lock_.lock(); }
  void unlock() {
    lock_.unlock();
    FlushWakes();
  }
  std::unique_lock<std::mutex>& native() { return lock_; }

 private:
  std::unique_lock<std::mutex> lock_;
};

// The functions below need Sync().mutex held.
bool SetEventLocked(uint32_t handle);
// Looks the waiter's handles up once; false if one is not an event.
bool ResolveLocked(Waiter* waiter);
// Index of the event that satisfies `waiter` (0 for wait-all), or -1.
int EvaluateLocked(const Waiter& waiter);
void RegisterLocked(Waiter* waiter);
void UnregisterLocked(Waiter* waiter);
void QueueRoutineLocked(Operation* op);
// Removes every event the env created (used at env teardown).
void CloseEventsOfLocked(EnvState* env);

}  // namespace wsn::posix
