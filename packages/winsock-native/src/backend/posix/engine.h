// The engine: what produces completions on each JS thread. Every socket is registered once (edge-triggered) in
// the epoll set of the thread that created it; that thread drains the set from its own event loop, in batches,
// and settles what the batch completed inline (no I/O thread, no hop). Blocking waits drive the same engines
// from the waiting thread, so an operation still completes while the thread that issued it is busy or blocked.
// Who moves the data of a pending WSARecv / WSASend is the engine's choice, made once per process
// (backend/linux/engine_choice.cc):
//  - epoll: a readiness edge lets the drain do the syscalls for the queue heads (backend/linux/engine.cc);
//  - io_uring: the queue heads are handed to the kernel in the thread's ring, and the drain settles what the
//    ring's completion queue reports (backend/linux/ring.cc). Readiness still drives everything else.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace wsn {
struct EnvState;
struct Operation;
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

// ---- the io_uring engine's hooks into the socket layer (no-ops, or false, on epoll) ----
// The kernel moves the data of this socket's pending receives and sends (the io_uring engine).
bool KernelTransfers(const Socket& socket);
// Under socket.mutex: hands the queue heads the kernel does not hold yet to it (one per direction, so receives
// fill in posting order and each send goes out whole before the next starts).
void SubmitQueueHeadsLocked(Socket& socket);
// Under socket.mutex, after operations were taken out of the socket's queues to be aborted with `error`
// (0: ClosedUnderError's): takes back out of `taken` those the kernel still holds, and cancels them in the
// kernel. Each completes once, from its completion queue entry, when the kernel lets go of its buffers.
// Returns how many it took back.
size_t CancelKernelHeldLocked(Socket& socket, std::vector<Operation*>* taken, uint32_t error);
size_t CancelKernelHeldLocked(Socket& socket, std::deque<Operation*>* taken, uint32_t error);
// Under socket.mutex, before its fd is closed or replaced (dup2): the kernel has been given every submission
// that names the fd, so none can reach a file that later takes the number.
void SubmitBeforeFdChangeLocked(Socket& socket);

}  // namespace wsn::posix
