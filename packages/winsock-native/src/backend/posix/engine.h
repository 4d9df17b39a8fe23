// The engine: what produces completions on each JS thread. Every socket is registered once (edge-triggered) in
// the epoll set of the thread that created it; that thread drains the set from its own event loop, in batches,
// does the syscalls for the queue heads there, and settles what the batch completed inline (no I/O thread, no
// hop). Blocking waits drive the same engines from the waiting thread, so an operation still completes while
// the thread that issued it is busy or blocked. Linux's implementation is backend/linux/engine.cc.
#pragma once
#include <cstdint>
#include <memory>

namespace wsn {
struct EnvState;
}

namespace wsn::posix {

struct Socket;
struct Engine;
using EnginePtr = std::shared_ptr<Engine>;

EnginePtr EngineOf(EnvState* env);
void RegisterSocket(Socket& socket);
// Waits out a drain in progress: once it returns, no drain holds a pointer to `socket`.
void UnregisterSocket(Socket& socket);

// Under Sync().mutex: wakes `env`'s thread (its loop, or its blocking wait). The write itself happens when the
// lock is released (SyncLock), never under it.
void WakeEnvLocked(EnvState* env);
// Runs the wakes this thread deferred; SyncLock calls it after unlocking.
void FlushWakes();
// True on `env`'s own JS thread.
bool IsCurrentThread(const EnvState* env);
// The env of the calling JS thread, or nullptr on a thread that is none.
EnvState* CurrentEnv();
// Under Sync().mutex, on `env`'s thread: run a delivery batch soon, from the loop (no syscall).
void ScheduleDeliveryLocked(EnvState* env);

// On `self`'s JS thread, without running JS: drains every engine that is ready and not being drained.
// Returns true if any readiness was handled.
bool DriveEngines(EnvState* self);
// Sleeps until `fd` (if >= 0) is ready for `events`, an engine has readiness, or `timeoutMs` (-1: none) passes;
// `wakeable`: a wake of `self` (WakeEnvLocked) ends the sleep too.
void SleepUntilActivity(EnvState* self, int fd, short events, bool wakeable, int timeoutMs);

}  // namespace wsn::posix
