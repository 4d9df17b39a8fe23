// Internal header of the Windows backend: real Winsock under the seam of backend/backend.h.
//
// Include order matters: core/codes.h declares constants such as WSAEINTR and FD_READ as C++ constants, and
// winsock2.h defines the same names as macros. backend.h (and so codes.h) must come first; afterwards the macro
// and the constant have the same value, so unqualified uses are right either way.
//
// Handles: a SOCKET or a WSAEVENT crosses to JS as a 32-bit number. 64-bit Windows keeps handle values in 32 bits
// (so that 32-bit processes can share them), so nothing is lost; INVALID_SOCKET arrives as 0xFFFFFFFF.
#pragma once
#include "backend/backend.h"
#include "core/env_state.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
// windows.h maps CreateEvent to CreateEventA/W; the seam has its own backend::CreateEvent.
#undef CreateEvent

#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace wsn::win {
struct Watcher;
}

namespace wsn::backend {

// An async WSAWaitForMultipleEvents / SleepEx (or the JS thread's blocking wait, which only uses `alertable`).
struct Waiter {
  EnvState* env = nullptr;
  std::vector<HANDLE> handles;
  bool waitAll = false;
  bool alertable = false;
  // Async waiters only.
  uint32_t id = 0;
  bool poll = false;
  win::Watcher* watcher = nullptr;  // the watcher thread waiting on `handles` for it, while it does
  bool detached = false;            // the env let go of it (settled, cancelled, torn down)
  bool watchDone = false;           // the watcher's wait returned: watchResult holds its outcome
  uint32_t watchResult = 0;         // WSA_WAIT_EVENT_0 + i, or WSA_WAIT_FAILED
  int references = 1;               // the env's list, plus one while a watcher holds it (under Win().mutex)
};

}  // namespace wsn::backend

namespace wsn::win {

using backend::Waiter;

struct WinOp;

// What the backend keeps per JS thread, next to the shared EnvState.
struct EnvRecord {
  HANDLE thread = nullptr;                 // a real handle to the JS thread, for QueueUserAPC
  std::unordered_set<WinOp*> pending;      // operations in the kernel, issued by this env
  std::vector<Operation*> abandoned;       // completed while the env was being torn down
  bool detaching = false;
};

struct WinState {
  std::mutex mutex;                        // guards everything here and the queue fields of every EnvState
  std::condition_variable completionChanged;  // WSAGetOverlappedResult(fWait) and DetachEnv sleep on it
  std::unordered_map<EnvState*, EnvRecord> envs;
  std::unordered_map<uint32_t, EnvState*> sockets;  // sockets created here, by owner (closed at env teardown)
  std::unordered_map<uint32_t, EnvState*> events;   // events created here, by owner
};

WinState& Win();

inline SOCKET ToSocket(uint32_t s) { return s == 0xFFFFFFFFu ? INVALID_SOCKET : static_cast<SOCKET>(s); }
inline HANDLE ToHandle(uint32_t h) { return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(h)); }
inline uint32_t FromHandle(uintptr_t h) { return static_cast<uint32_t>(h); }

// WSANOTINITIALISED unless this addon's WSAStartup count is above zero (see startup.cc), else 0.
uint32_t CheckStarted();
// The calling thread's Winsock error, for a call that just failed.
inline uint32_t LastWsaError() { return static_cast<uint32_t>(WSAGetLastError()); }

// What DetachEnv needs to cancel one pending operation (overlapped_io.cc).
SOCKET OperationSocket(const WinOp* w);
WSAOVERLAPPED* OperationOverlapped(WinOp* w);

// The WSA error an OVERLAPPED's final NTSTATUS stands for.
uint32_t WsaErrorFromStatus(uintptr_t status);

// Under Win().mutex: queue a finished operation's routine on its env (the emulated APC queue) and wake the
// env's alertable waits.
void QueueRoutineLocked(Operation* op);
// Under Win().mutex: wakes the JS thread out of a blocking alertable wait (a no-op APC makes it return).
void WakeAlertableLocked(EnvState* env);

// Async waits: a small pool of watcher threads waits on the handles of async waiters (waits.cc).
void StartWatchLocked(Waiter* waiter);
void StopWatchLocked(Waiter* waiter);       // detaches; the watcher frees the waiter when it lets go
void ReleaseWaiterLocked(Waiter* waiter);

// Cancels every overlapped operation on `s`, whichever thread issued it, and closes it: each pending operation
// then completes once with STATUS_CANCELLED (WSA_OPERATION_ABORTED). Returns closesocket's result.
int CancelAndClose(SOCKET s);

}  // namespace wsn::win
