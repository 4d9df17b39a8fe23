// What an engine of backend/linux is made of (backend/posix/engine.h): shared by the loop integration
// (engine.cc) and the io_uring engine's ring (ring.cc).
#pragma once
#include <napi.h>
#include <unistd.h>
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <mutex>

#include "backend/linux/ring.h"
#include "backend/posix/engine.h"

namespace wsn::posix {

// The libuv handles of an engine: freed by their close callbacks, which may run after the engine is gone.
struct LoopHandles {
  uv_poll_t poll;
  uv_idle_t idle;      // a delivery due on this thread, outside a turn: run it at the next loop iteration
  uv_timer_t handover; // while this thread has async waiters and other threads have engines (DriveOthers)
  int open = 3;
};

struct Engine {
  EnvState* env = nullptr;        // valid while the engine is in the engines list (until CloseChannel)
  int outerFd = -1;               // what the loop watches: socketsFd + wakeFd, level-triggered
  int socketsFd = -1;             // the sockets, edge-triggered
  int wakeFd = -1;                // eventfd: another thread has work for this one
  std::atomic<bool> wakePending{false};
  std::mutex drainMutex;          // one drainer at a time; held only while syscalls run, never while JS runs
  LoopHandles* handles = nullptr; // JS thread only
  napi_async_context asyncContext = nullptr;
  napi_ref resource = nullptr;
  bool inTurn = false;            // JS thread only
  bool idleStarted = false;       // JS thread only
  bool keptAlive = false;         // JS thread only: async waiters pending (SetKeepAlive)
  bool handoverStarted = false;   // JS thread only
  RingPtr ring;                   // the io_uring engine's ring (its fd is in socketsFd); null on epoll

  ~Engine() {
    // Closed last, when no thread can hold the engine any more: a blocking wait elsewhere may poll these fds.
    if (outerFd >= 0) close(outerFd);
    if (socketsFd >= 0) close(socketsFd);
    if (wakeFd >= 0) close(wakeFd);
  }
};

}  // namespace wsn::posix

namespace wsn::backend {
struct Channel {
  posix::EnginePtr engine;
};
}  // namespace wsn::backend

