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
#include <mswsock.h>
#include <windows.h>
// windows.h maps CreateEvent to CreateEventA/W; the seam has its own backend::CreateEvent.
#undef CreateEvent

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace wsn::win {
struct Watcher;
struct PortRecord;
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

// One GetQueuedCompletionStatus(Ex) in progress (ports.cc): a blocked JS thread's (on its stack) or an async
// one's (in env->portWaiters). Stacked on its port while it waits; everything under Win().mutex.
struct PortWaiter {
  EnvState* env = nullptr;
  std::shared_ptr<win::PortRecord> port;
  uint32_t max = 1;
  bool alertable = false;
  bool async = false;
  uint32_t id = 0;                  // async only
  HANDLE wake = nullptr;            // blocking only: set once it is done
  bool done = false;                // packets handed over, or the port closed: `result` says which
  uint32_t result = 0;              // 0 or ERROR_ABANDONED_WAIT_0
  bool settled = false;             // async: a delivery reported it; TakeDequeued collects the packets
  std::vector<PortPacket*> packets;
};

}  // namespace wsn::backend

namespace wsn::win {

using backend::PortWaiter;
using backend::Waiter;

struct PortPump;

// A completion port this backend created (ports.cc). `handle` is the caller's real port handle, closed by
// CloseHandle; `own` a duplicate of it that every call of ours goes through, so that a closed (and reused)
// handle value can never make us touch another object. The kernel queue holds only packets we posted, each
// under a token (see ports.cc); `held` the packets already taken out of the kernel queue that no waiter took
// yet: they come out before anything still in the kernel queue.
struct PortRecord {
  ~PortRecord();
  uint32_t handle = 0;
  HANDLE own = nullptr;
  bool closed = false;
  std::deque<PortPacket*> held;
  std::vector<PortWaiter*> waiters;   // LIFO: back() is the thread that waited last, released first
  size_t queued = 0;                  // our packets in the kernel queue (or taken by the pump, not yet resolved)
  PortPump* pump = nullptr;           // the thread taking packets out of the kernel queue for the waiters
  bool pumpInKernel = false;          // the pump is in (or entering, or just back from) GetQueuedCompletionStatusEx
};

// A socket's association (CreateIoCompletionPort) and notification modes (SetFileCompletionNotificationModes).
struct SocketPort {
  std::shared_ptr<PortRecord> port;   // empty: modes set, not associated
  CompletionKey key;
  uint32_t modes = 0;
};
using SocketPortPtr = std::shared_ptr<SocketPort>;

struct WinOp;

// What the backend keeps per JS thread, next to the shared EnvState.
struct EnvRecord {
  HANDLE thread = nullptr;                 // a real handle to the JS thread, for QueueUserAPC
  std::unordered_set<WinOp*> pending;      // operations in the kernel, issued by this env
  std::vector<Operation*> abandoned;       // completed while the env was being torn down
  bool detaching = false;
  HANDLE portWake = nullptr;               // auto-reset: wakes this JS thread's blocking dequeue (ports.cc)
};

struct WinState {
  std::mutex mutex;                        // guards everything here and the queue fields of every EnvState
  std::condition_variable completionChanged;  // WSAGetOverlappedResult(fWait) and DetachEnv sleep on it
  std::condition_variable portChanged;        // a port's pump came back from the kernel (ports.cc)
  std::unordered_map<EnvState*, EnvRecord> envs;
  std::unordered_map<uint32_t, EnvState*> sockets;  // sockets created here, by owner (closed at env teardown)
  std::unordered_map<uint32_t, EnvState*> events;   // events created here, by owner
  std::unordered_map<uint32_t, std::shared_ptr<PortRecord>> ports;  // open ports, by the caller's handle
  std::unordered_map<uint32_t, SocketPortPtr> socketPorts;  // by socket, until it is closed
};

WinState& Win();

inline SOCKET ToSocket(uint32_t s) { return s == 0xFFFFFFFFu ? INVALID_SOCKET : static_cast<SOCKET>(s); }
inline HANDLE ToHandle(uint32_t h) { return reinterpret_cast<HANDLE>(static_cast<uintptr_t>(h)); }
inline uint32_t FromHandle(uintptr_t h) { return static_cast<uint32_t>(h); }

// WSANOTINITIALISED unless this addon's WSAStartup count is above zero (see startup.cc), else 0.
uint32_t CheckStarted();
// The calling thread's Winsock error, for a call that just failed.
inline uint32_t LastWsaError() { return static_cast<uint32_t>(WSAGetLastError()); }

// What DetachEnv and CancelIo need of one pending operation (overlapped_io.cc).
SOCKET OperationSocket(const WinOp* w);
WSAOVERLAPPED* OperationOverlapped(WinOp* w);
Operation* OperationOf(const WinOp* w);
// Under Win().mutex: a socket is being closed. Its pending operations keep its port association (they still
// complete to the port), and the socket's entry goes.
void ForgetSocketLocked(uint32_t s);
SocketPortPtr FindSocketPortLocked(uint32_t s);

// Completion ports (ports.cc), under Win().mutex.
// Queues `packet` on `port` (PostQueuedCompletionStatus under a token). Win32 error; on failure the caller
// still owns the packet.
uint32_t QueuePacketLocked(PortRecord& port, PortPacket* packet);
// A packet that will never reach JS: its issuer's next delivery releases the slot; freed.
void DropPacketLocked(PortPacket* packet);
// The env's packets lose their issuer; its async port waiters go and give back what they held.
void DetachPortsLocked(EnvState* env);
// Async port waiters that can be settled now (CollectDelivery). `routinesTaken`: an older event waiter already
// took the routine queue.
void CollectPortWaitersLocked(EnvState* env, backend::DeliveryBatch* batch, bool routinesTaken);
bool CancelPortWaiterLocked(EnvState* env, uint32_t waiterId);
size_t PortWaiterCountLocked();
// The id of the env's oldest alertable async port waiter still waiting, or 0.
uint32_t OldestAlertablePortWaiterLocked(EnvState* env);

// AcceptEx & co (extensions.cc). Issues op->kind (Accept / Connect / Disconnect) on `s` with `overlapped`
// (nullptr: the plain, blocking DisconnectEx); returns what the call returned (TRUE / FALSE) with *bytes, and
// the thread's WSA error when it is FALSE.
bool IssueExtension(SOCKET s, Operation* op, WSAOVERLAPPED* overlapped, DWORD* bytes, uint32_t* error);

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
// A socket associated with a completion port is closed without the cancel: its operations complete with what
// the kernel reports for a closed socket (Windows: STATUS_CONNECTION_ABORTED, which GetQueuedCompletionStatus
// reports as ERROR_CONNECTION_ABORTED).
int CancelAndClose(SOCKET s, bool associated);

}  // namespace wsn::win
