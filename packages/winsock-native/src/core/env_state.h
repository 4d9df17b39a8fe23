// Per JS thread (main thread or worker) state, stored with napi_set_instance_data.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <vector>

namespace wsn {

struct Operation;
struct StateBlock;
struct PortPacket;
struct OverlappedState;
namespace backend {
struct Waiter;
struct PortWaiter;
struct Channel;
}  // namespace backend

// The words a JS thread shares with the addon (EnvState::words; `native.threadWords`, lib/thread-words.ts), read
// and written on both sides without a call: a busy server makes several calls per message, and each argument
// or result that needs no N-API conversion is one less.
enum ThreadWord : uint32_t {
  kLastError = 0,     // WSAGetLastError() is per thread
  // What the last overlapped start on this thread left for its caller (api/overlapped.cc, StartOverlapped).
  // Never read from the WSAOVERLAPPED's state: once a completion's port packet is queued, the state belongs to
  // whichever thread dequeues it, and may already describe that thread's next operation.
  kStartSlotKept,     // 1: the slot outlives the call (it pends, a routine or a packet is owed)
  kStartBytes,        // an immediate completion's lpNumberOfBytes
  kStartFlags,        // and its lpFlags
  // The fast WSARecv / WSASend entry's arguments (overlappedIo), written by lib/overlapped-io.ts.
  kFastMode,          // 0 WSARecv, 1 WSASend; | 2 with a completion routine
  kFastSocket,
  kFastLength,
  kFastFlags,
  kFastEvent,
  kFastSlot,
  kThreadWords
};

struct EnvState {
  explicit EnvState(napi_env e) : env(e) {}

  napi_env env;
  // How completions and async-wait results reach this thread: the backend's own (backend.h, AttachEnv).
  backend::Channel* channel = nullptr;
  Napi::FunctionReference markAsUntransferable;  // node:worker_threads', handed over by lib/binding.ts
  Napi::FunctionReference deliver;          // lib/completions.ts: runs one batch (core/delivery.cc)
  std::vector<Napi::Reference<Napi::Uint32Array>> batchAreas;  // one per delivery nesting depth
  uint32_t deliveryDepth = 0;
  Napi::FunctionReference overlappedClass;  // WSAOVERLAPPED, to make views (api/overlapped_object.cc)
  Napi::Reference<Napi::Value> overlappedStateKey;  // the symbol under which a WSAOVERLAPPED keeps its state
  Napi::Reference<Napi::ArrayBuffer> stateSlab;  // over stateBlock: where new WSAOVERLAPPEDs' states go (JS thread)
  StateBlock* stateBlock = nullptr;
  size_t stateSlabUsed = 0;
  std::vector<OverlappedState*> dequeuedViews;  // the last dequeue's states from other threads (overlappedView),
                                                // each holding a reference on its block until the next dequeue
  Napi::FunctionReference jsProbe;          // a JS no-op: calling it fails once the env is being terminated
  Napi::Reference<Napi::Uint32Array> threadWords;  // keeps `words` alive
  uint32_t* words = nullptr;                // kThreadWords of them (ThreadWord)

  // Touched by this JS thread only.
  std::vector<Operation*> operationPool;
  uint32_t nextWaiterId = 1;
  bool keptAlive = false;

  // Guarded by the backend's synchronisation lock.
  bool alive = true;                        // false once cleanup started: nothing may call into this env any more
  bool deliveryDue = false;                 // a delivery batch has work: the channel runs one soon
  std::deque<Operation*> routineQueue;      // completed ops whose routine waits for an alertable wait (APC queue)
  std::vector<Operation*> finishedQueue;    // completed ops whose references must be released on this thread
  std::vector<uint32_t> releasedSlots;      // slots of this thread's packets that another thread dequeued
  std::vector<backend::PortWaiter*> portWaiters;  // async GetQueuedCompletionStatus(Ex) waits, oldest first
  std::vector<backend::Waiter*> asyncWaiters;  // oldest first
  std::vector<backend::Waiter*> readyWaiters;  // async waiters an event was set for since the last delivery
  backend::Waiter* blockingWaiter = nullptr;   // this thread, blocked in a native wait
  std::atomic<uint32_t> operationsInFlight{0};  // queued in a socket or being completed by another thread
};

EnvState& GetEnvState(napi_env env);

// Asks for one delivery batch on the env's JS thread (called by backends with their lock held; thread-safe).
void RequestDelivery(EnvState* env);

}  // namespace wsn
