// Overlapped WSARecv / WSASend / AcceptEx / ConnectEx / DisconnectEx with real Winsock.
//
// Each operation goes to the kernel with an OVERLAPPED of our own whose hEvent is an internal event, never the
// caller's: the JS-visible WSAOVERLAPPED state (Internal, InternalHigh) must be written BEFORE the caller's event
// is set, its routine queued or its port packet queued, or a JS thread woken by any of them could read
// STATUS_PENDING. A thread-pool wait on the internal event (CreateThreadpoolWait) then copies the result and
// announces it exactly as the Linux backend does: set the caller's event, queue the routine on the issuing env's
// APC queue, queue a packet on the socket's completion port.
//
// The internal event goes to the kernel with its low bit set (`done | 1`): for a socket associated with a
// completion port, that tells the kernel not to queue a packet of its own (the documented hEvent | 1 rule), while
// it still sets the event. So the only packets in a port are the ones ports.cc posts, after the state is written.
#include "backend/win/win.h"

#include "backend/port_waiters.h"

namespace wsn::win {

struct WinOp {
  WSAOVERLAPPED overlapped;   // what the kernel writes; hEvent = `done | 1`
  HANDLE done = nullptr;      // internal manual-reset event
  PTP_WAIT wait = nullptr;    // fires once `done` is set
  Operation* op = nullptr;
  EnvRecord* record = nullptr;
  SOCKET socket = INVALID_SOCKET;
  bool socketClosed = false;  // closed while pending: its port (if any) was pinned in op->port then
  DWORD flags = 0;            // WSARecv's lpFlags must outlive the call
  std::vector<WSABUF> buffers;
};

SOCKET OperationSocket(const WinOp* w) { return w->socket; }
WSAOVERLAPPED* OperationOverlapped(WinOp* w) { return &w->overlapped; }
Operation* OperationOf(const WinOp* w) { return w->op; }

static std::vector<WinOp*> opPool;  // under Win().mutex

static void CALLBACK OnOperationDone(PTP_CALLBACK_INSTANCE, void* context, PTP_WAIT, TP_WAIT_RESULT);

static WinOp* AcquireWinOp() {
  {
    std::lock_guard<std::mutex> lock(Win().mutex);
    if (!opPool.empty()) {
      WinOp* w = opPool.back();
      opPool.pop_back();
      return w;
    }
  }
  auto* w = new WinOp();
  w->done = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  w->wait = CreateThreadpoolWait(OnOperationDone, w, nullptr);
  if (w->done == nullptr || w->wait == nullptr) {
    if (w->done != nullptr) CloseHandle(w->done);
    if (w->wait != nullptr) CloseThreadpoolWait(w->wait);
    delete w;
    return nullptr;
  }
  return w;
}

static void ReleaseWinOpLocked(WinOp* w) {
  w->op = nullptr;
  w->record = nullptr;
  w->socket = INVALID_SOCKET;
  w->socketClosed = false;
  opPool.push_back(w);
}

// NTSTATUS -> WSA error, as WSAGetOverlappedResult reports it. Only the codes a TCP socket meets are listed.
uint32_t WsaErrorFromStatus(uintptr_t raw) {
  const auto status = static_cast<uint32_t>(raw);
  switch (status) {
    case 0x00000000: return kNoError;                 // STATUS_SUCCESS
    case 0xC0000120: return WSA_OPERATION_ABORTED;    // STATUS_CANCELLED
    case 0x8000000A: return WSA_OPERATION_ABORTED;    // STATUS_HANDLES_CLOSED: the socket was closed under it
    case 0xC000020D: return WSAECONNRESET;            // STATUS_CONNECTION_RESET
    case 0xC000013C: return WSAECONNRESET;            // STATUS_REMOTE_DISCONNECT
    case 0xC000020C: return WSAECONNRESET;            // STATUS_CONNECTION_DISCONNECTED
    case 0xC000013B: return WSAECONNABORTED;          // STATUS_LOCAL_DISCONNECT
    case 0xC0000241: return WSAECONNABORTED;          // STATUS_CONNECTION_ABORTED
    case 0xC0000236: return WSAECONNREFUSED;          // STATUS_CONNECTION_REFUSED
    case 0xC00000B0: return WSAESHUTDOWN;             // STATUS_PIPE_DISCONNECTED
    case 0xC0000140: return WSAENOTCONN;              // STATUS_INVALID_CONNECTION
    case 0xC00000B5: return WSAETIMEDOUT;             // STATUS_IO_TIMEOUT
    case 0x80000005: return WSAEMSGSIZE;              // STATUS_BUFFER_OVERFLOW
    case 0xC000023C: return WSAENETUNREACH;           // STATUS_NETWORK_UNREACHABLE
    case 0xC000023D: return WSAEHOSTUNREACH;          // STATUS_HOST_UNREACHABLE
    case 0xC0000008: return WSAENOTSOCK;              // STATUS_INVALID_HANDLE
    case 0xC000000D: return WSAEINVAL;                // STATUS_INVALID_PARAMETER
    case 0xC0000005: return WSAEFAULT;                // STATUS_ACCESS_VIOLATION
    case 0xC0000017: return WSAENOBUFS;               // STATUS_NO_MEMORY
    default: return WSAECONNABORTED;                  // any other failure ends the transfer
  }
}

// Does nothing: it only makes the thread's alertable wait return WAIT_IO_COMPLETION, after which the wait takes
// the routines from the env's queue and runs them as JS.
static VOID NTAPI WakeApc(ULONG_PTR) {}

void WakeAlertableLocked(EnvState* env) {
  auto it = Win().envs.find(env);
  if (it == Win().envs.end() || it->second.thread == nullptr) return;
  QueueUserAPC(WakeApc, it->second.thread, 0);
}

void QueueRoutineLocked(Operation* op) {
  EnvState* env = op->env;
  env->routineQueue.push_back(op);
  if (env->blockingWaiter != nullptr && env->blockingWaiter->alertable) WakeAlertableLocked(env);
  bool alertableAsync = backend::HasAlertablePortWaiterLocked(env);
  for (Waiter* waiter : env->asyncWaiters) alertableAsync = alertableAsync || waiter->alertable;
  if (alertableAsync) RequestDelivery(env);
}

SocketPortPtr FindSocketPortLocked(uint32_t s) {
  auto it = Win().socketPorts.find(s);
  return it == Win().socketPorts.end() ? nullptr : it->second;
}

void ForgetSocketLocked(uint32_t s) {
  SocketPortPtr socketPort = FindSocketPortLocked(s);
  const SOCKET native = ToSocket(s);
  for (auto& entry : Win().envs) {
    for (WinOp* w : entry.second.pending) {
      if (w->socket != native || w->socketClosed) continue;
      w->socketClosed = true;  // the handle value may be reused by a new socket: never look it up again
      if (socketPort && socketPort->port && !w->op->port) {
        w->op->port = socketPort->port;
        w->op->key = socketPort->key;
      }
    }
  }
  Win().socketPorts.erase(s);
}

// Binds a finished operation to the port its socket is associated with now (an operation started before the
// association still completes to the port).
static void BindToPortLocked(Operation* op, uint32_t s, bool closed) {
  if (op->port || closed) return;
  SocketPortPtr socketPort = FindSocketPortLocked(s);
  if (!socketPort || !socketPort->port) return;
  op->port = socketPort->port;
  op->key = socketPort->key;
}

// Writes the WSAOVERLAPPED state, then announces. Under Win().mutex.
static bool AnnounceLocked(Operation* op) {
  OverlappedState* state = op->state;
  state->error.store(op->error, std::memory_order_relaxed);
  state->flags.store(op->resultFlags, std::memory_order_relaxed);
  state->internalHigh.store(static_cast<uint32_t>(op->transferred), std::memory_order_relaxed);
  state->internal.store(NtStatusFromWsaError(op->error), std::memory_order_release);
  Win().completionChanged.notify_all();
  if (op->hasRoutine()) {
    QueueRoutineLocked(op);  // hEvent is ignored when a routine is given
    return true;
  }
  if (op->event != 0) ::SetEvent(ToHandle(op->event));
  // The event and the state are set before the packet can be dequeued.
  if (op->port && !op->noPacket) {
    auto& port = *std::static_pointer_cast<PortRecord>(op->port);
    if (!port.closed) {
      PortPacket* packet = PacketForCompletion(op, op->key);
      if (QueuePacketLocked(port, packet) != 0) {
        op->slotMoved = false;  // the kernel refused it (cannot happen for a port we hold): no packet after all
        FreePacket(packet);
      }
    }
    // A closed port queues nothing: nobody can dequeue from it any more.
  }
  if (!op->holdsReferences()) return false;  // an immediate completion retained nothing: the caller recycles it
  op->env->finishedQueue.push_back(op);
  RequestDelivery(op->env);
  return true;
}

static void CALLBACK OnOperationDone(PTP_CALLBACK_INSTANCE, void* context, PTP_WAIT, TP_WAIT_RESULT) {
  auto* w = static_cast<WinOp*>(context);
  Operation* op = w->op;
  DWORD bytes = 0, flags = 0;
  if (WSAGetOverlappedResult(w->socket, &w->overlapped, &bytes, FALSE, &flags)) op->resultFlags = flags;
  op->transferred = static_cast<size_t>(w->overlapped.InternalHigh);
  op->error = WsaErrorFromStatus(w->overlapped.Internal);
  std::lock_guard<std::mutex> lock(Win().mutex);
  EnvRecord* record = w->record;
  record->pending.erase(w);
  if (record->detaching) {
    // Its JS thread is going away: no routine, no event, no port packet (the operation goes with its thread,
    // as its slot does), just handed back to the teardown.
    record->abandoned.push_back(op);
    Win().completionChanged.notify_all();
  } else {
    BindToPortLocked(op, FromHandle(w->socket), w->socketClosed);
    AnnounceLocked(op);
  }
  ReleaseWinOpLocked(w);
}

}  // namespace wsn::win

namespace wsn::backend {
using namespace wsn::win;

StartResult StartOperation(uint32_t s, Operation* op, uint32_t* error) {
  if ((*error = CheckStarted()) != kNoError) return StartResult::Failed;
  const SOCKET socket = ToSocket(s);
  if (op->plain) {  // DisconnectEx without an OVERLAPPED
    DWORD ignored = 0;
    if (!IssueExtension(socket, op, nullptr, &ignored, error)) return StartResult::Failed;
    op->error = kNoError;
    return StartResult::Completed;
  }
  if (op->hasRoutine()) {
    // The kernel never sees our routines (waits.cc), so it cannot refuse them: refused here as Windows does.
    std::lock_guard<std::mutex> lock(Win().mutex);
    SocketPortPtr socketPort = FindSocketPortLocked(s);
    if (socketPort && socketPort->port) {
      *error = WSAEINVAL;
      return StartResult::Failed;
    }
  }
  WinOp* w = AcquireWinOp();
  if (w == nullptr) {
    *error = WSAENOBUFS;
    return StartResult::Failed;
  }
  ::ResetEvent(w->done);
  ZeroMemory(&w->overlapped, sizeof(w->overlapped));
  w->overlapped.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<uintptr_t>(w->done) | 1);
  w->op = op;
  w->socket = socket;
  DWORD bytes = 0;
  bool done;
  uint32_t failure = kNoError;
  w->flags = 0;
  if (op->kind == OpKind::Recv || op->kind == OpKind::Send) {
    w->buffers.resize(op->slices.size());
    for (size_t i = 0; i < op->slices.size(); i++) {
      w->buffers[i].buf = static_cast<char*>(op->slices[i].base);
      w->buffers[i].len = static_cast<ULONG>(op->slices[i].len);
    }
    const DWORD count = static_cast<DWORD>(w->buffers.size());
    int rc;
    if (op->kind == OpKind::Recv) {
      w->flags = op->msgFlags;
      rc = WSARecv(socket, w->buffers.data(), count, &bytes, &w->flags, &w->overlapped, nullptr);
    } else {
      rc = WSASend(socket, w->buffers.data(), count, &bytes, op->msgFlags, &w->overlapped, nullptr);
    }
    done = rc == 0;
    if (!done) failure = LastWsaError();
  } else {
    done = IssueExtension(socket, op, &w->overlapped, &bytes, &failure);
  }
  if (done || failure != WSA_IO_PENDING) {
    // Done at once (the caller announces it) or refused (nothing will ever be signalled).
    op->transferred = bytes;
    op->resultFlags = w->flags;
    op->error = kNoError;
    *error = failure;
    std::lock_guard<std::mutex> lock(Win().mutex);
    ReleaseWinOpLocked(w);
    if (!done) return StartResult::Failed;
    BindToPortLocked(op, s, false);
    SocketPortPtr socketPort = FindSocketPortLocked(s);
    if (socketPort && (socketPort->modes & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)) op->noPacket = true;
    return StartResult::Completed;
  }
  RetainPastCall(op);  // on the JS thread, before the completion can be seen anywhere
  {
    std::lock_guard<std::mutex> lock(Win().mutex);
    w->record = &Win().envs[op->env];
    w->record->pending.insert(w);
  }
  SetThreadpoolWait(w->wait, w->done, nullptr);
  return StartResult::Pending;
}

bool AnnounceCompletion(Operation* op) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  return AnnounceLocked(op);
}

void WaitForCompletion(EnvState*, const OverlappedState* state) {
  std::unique_lock<std::mutex> lock(Win().mutex);
  Win().completionChanged.wait(
      lock, [&] { return state->internal.load(std::memory_order_acquire) != STATUS_PENDING; });
}

}  // namespace wsn::backend
