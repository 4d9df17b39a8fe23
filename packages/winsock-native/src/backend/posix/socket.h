// A socket of the emulation: an O_NONBLOCK fd plus the Winsock state Linux does not keep for us.
#pragma once
#include <sys/socket.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include <vector>

#include "backend/backend.h"
#include "backend/posix/engine.h"
#include "backend/posix/operation_queue.h"
#include "backend/posix/port.h"

namespace wsn {
struct EnvState;
}

namespace wsn::posix {

enum class ConnectState : uint8_t { Idle, Connecting, Connected, Failed };

// A transfer the io_uring engine handed to the kernel: the operation (a queue head, or one being cancelled
// that was one), the msghdr the kernel reads while it runs, and the error it ends with if it was cancelled.
struct KernelTransfer {
  Operation* op = nullptr;
  uint32_t abortError = 0;  // nonzero: taken out of its queue (CancelIoEx, closesocket); its entry reports this
  msghdr message{};
};

struct Socket : std::enable_shared_from_this<Socket> {
  Socket(uint32_t h, int descriptor, EnvState* creator, EnginePtr e)
      : handle(h), fd(descriptor), owner(creator), engine(std::move(e)) {}

  const uint32_t handle;
  const int fd;
  EnvState* const owner;   // its sockets are closed when this env goes away
  const EnginePtr engine;  // the owner's: the epoll set this socket is registered in

  // Guards everything below. Whoever drains the engine holds it while it completes queued operations, the JS
  // thread while it tries a syscall and queues: that is what makes a readiness edge impossible to lose.
  std::mutex mutex;
  // Readiness cache: false once a syscall said EAGAIN (or a receive came back short, which drained the socket),
  // true again at the next edge. A receive posted on a socket known to be empty queues without a syscall.
  bool readable = true;
  bool writable = true;
  // The peer's FIN or RST was seen at an edge. A receive stops short of a FIN queued behind data, and the FIN
  // makes no new edge: from here on a short receive does not mean the socket is drained.
  bool hangupSeen = false;
  bool closed = false;
  bool nonBlocking = false;  // FIONBIO / WSAEventSelect: affects non-overlapped calls only
  bool listening = false;
  bool receiveShut = false, sendShut = false;
  bool resetSeen = false;    // Linux reports ECONNRESET once; Windows keeps reporting it
  ConnectState connect = ConnectState::Idle;
  uint32_t connectError = 0; // result of a failed non-blocking connect, reported by the next connect()

  OperationQueue readQueue;   // overlapped receives, filled in the order they were posted
  OperationQueue writeQueue;  // overlapped sends (and a ConnectEx), written in order, each one whole
  OperationQueue acceptQueue; // a listener's AcceptEx calls, served in the order they were posted

  // The io_uring engine: at most one receive and one send in the kernel at a time, and the socket itself kept
  // alive (even closed) until the kernel reported both back.
  KernelTransfer kernelRead, kernelWrite;
  std::shared_ptr<Socket> heldForKernel;
  char peekByte = 0;          // where a zero-byte receive's MSG_PEEK probe lands

  // Completion port association (CreateIoCompletionPort), for the socket's life.
  PortPtr port;
  CompletionKey portKey;
  bool skipPortOnSuccess = false;   // FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
  // AcceptEx: the socket is the accept socket of a pending AcceptEx on `acceptListener` (a handle).
  uint32_t acceptListener = 0;

  // WSAEventSelect association and its network-event record.
  uint32_t selectEvent = 0;
  uint32_t selectMask = 0;
  uint32_t recordedEvents = 0;
  int32_t eventErrors[FD_MAX_EVENTS] = {};
  // Each event is recorded once, then stays disabled until its re-enabling call, across WSAEventSelect calls
  // (Windows keeps this state per socket, not per association).
  bool writeArmed = false;   // FD_WRITE is due (after connect/accept, or after a send hit WSAEWOULDBLOCK)
  bool connectDue = false;   // FD_CONNECT is due: connect() established the connection, not yet recorded
  bool closeRecorded = false;
  bool readReported = false;    // FD_READ recorded; a receive re-enables it, so does newly arrived data
  bool acceptReported = false;  // FD_ACCEPT recorded; accept() re-enables it, so does a new connection
  uint32_t readSeen = 0;        // bytes readable at the last look: more than that means new data arrived
  uint32_t acceptSeen = 0;      // connections queued at the last look
};

using SocketPtr = std::shared_ptr<Socket>;

bool Started();
// Looks a handle up; *error gets WSANOTINITIALISED or WSAENOTSOCK when there is no such socket.
SocketPtr FindSocket(uint32_t handle, uint32_t* error);
SocketPtr FindSocket(uint32_t handle);  // no error wanted
// Adopts an fd (already O_NONBLOCK) and registers it with the env's engine.
SocketPtr AddSocket(EnvState* env, int fd);
SocketPtr RemoveSocket(uint32_t handle);
size_t SocketCount();
std::vector<SocketPtr> AllSockets();
// Closes an already removed socket: every queued op is taken out (to `aborted`), the fd closed.
void CloseRemovedSocket(Socket& socket, std::deque<Operation*>* aborted);

// Under socket.mutex, just before AnnounceCompletion: where op's completion goes (the association now, which
// also covers an operation started before the socket was associated).
void BindToPortLocked(Socket& socket, Operation* op);
// Registers the socket's fd again: dup2 put a new file under it (AcceptEx, DisconnectEx with TF_REUSE_SOCKET).
void ReregisterSocket(Socket& socket);

// Blocks until `fd` is ready for `events`, driving the engines meanwhile (other operations of this thread
// still complete, as the kernel completes them on Windows); used to emulate blocking Winsock calls.
void WaitForFd(int fd, short events);
// What the engine does with a readiness edge of a registered socket (readiness.cc).
void OnSocketReady(Socket& socket, uint32_t readyEvents);
// Readiness bits passed to OnSocketReady.
constexpr uint32_t kReadable = 1, kWritable = 2, kHangup = 4;

// With socket.mutex held: settles a connect in progress (records FD_CONNECT); no-op if still in progress.
void ResolveConnect(Socket& socket);

// WSAEventSelect bookkeeping, with socket.mutex held.
void RecordNetworkEvent(Socket& socket, int bit, uint32_t error);
void RecordCurrentReadiness(Socket& socket);  // polls the fd: the kernel is the truth, not a stale edge
void ReenableRead(Socket& socket);            // after a receive attempt (plain or overlapped)

}  // namespace wsn::posix
