// The emulation's synchronisation objects: event objects, waiters, per-env routine (APC) queues.
// One process-wide mutex guards all of them and the queue fields of every EnvState: simple and obviously
// correct. Lock order: a socket's mutex may be held when taking this one, never the other way round.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "backend/backend.h"

namespace wsn::backend {

struct Waiter {
  EnvState* env = nullptr;
  std::vector<uint32_t> handles;
  bool waitAll = false;
  bool alertable = false;
  // Async waiters only.
  uint32_t id = 0;
  napi_ref callback = nullptr;
  bool poll = false;
  // Blocking waiters only: the blocked JS thread sleeps on it.
  std::condition_variable wake;
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
  std::condition_variable completionChanged;  // WSAGetOverlappedResult(fWait = TRUE) sleeps on it
  std::unordered_map<uint32_t, EventObject> events;
};

SyncState& Sync();
uint32_t NextHandle();  // SOCKET and WSAEVENT values: one counter, never reused

// The functions below need Sync().mutex held.
bool SetEventLocked(uint32_t handle);
// Index of the event that satisfies `waiter` (0 for wait-all), or -1.
int EvaluateLocked(const Waiter& waiter);
void RegisterLocked(Waiter* waiter);
void UnregisterLocked(Waiter* waiter);
void QueueRoutineLocked(Operation* op);
// Removes every event the env created (used at env teardown).
void CloseEventsOfLocked(EnvState* env);

}  // namespace wsn::posix
