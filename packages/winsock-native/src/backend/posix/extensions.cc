// AcceptEx, ConnectEx and DisconnectEx, CancelIo(Ex), SetFileCompletionNotificationModes and
// GetAcceptExSockaddrs. A connection AcceptEx takes, or a fresh socket DisconnectEx(TF_REUSE_SOCKET) makes, is
// put under the existing socket's fd with dup2: the SOCKET handle and everything keyed on it (the port
// association, the table, the engine's pointer) stay as they are.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "backend/posix/errno_map.h"
#include "backend/posix/socket_io.h"
#include "core/env_state.h"

namespace wsn::posix {

// An address slot of AcceptEx's output buffer: a SOCKADDR_IN as Windows lays it out (family little-endian, port
// and address in network order), then zeros.
constexpr size_t kSockaddrBytes = 16;

static void WriteAddress(uint8_t* slot, const sockaddr_in& address) {
  std::memset(slot, 0, kSockaddrBytes);
  slot[0] = static_cast<uint8_t>(WS_AF_INET);
  std::memcpy(slot + 2, &address.sin_port, 2);
  std::memcpy(slot + 4, &address.sin_addr.s_addr, 4);
}

static backend::SockAddrIn ReadAddress(const uint8_t* slot) {
  backend::SockAddrIn address;
  address.family = static_cast<uint16_t>(slot[0] | (slot[1] << 8));
  std::memcpy(&address.port, slot + 2, 2);
  std::memcpy(&address.address, slot + 4, 4);
  return address;
}

// Puts `fd` under socket.fd (closing what was there) and registers it again.
static void ReplaceFd(Socket& socket, int fd) {
  SubmitBeforeFdChangeLocked(socket);
  dup2(fd, socket.fd);
  close(fd);
  ReregisterSocket(socket);
}

// A socket as socket() makes it, keeping its handle, port association and select association.
static void ResetConnectionState(Socket& socket) {
  socket.readable = socket.writable = true;
  socket.hangupSeen = socket.listening = socket.receiveShut = socket.sendShut = socket.resetSeen = false;
  socket.connect = ConnectState::Idle;
  socket.connectError = 0;
  socket.writeArmed = socket.connectDue = socket.closeRecorded = socket.readReported = socket.acceptReported = false;
  socket.readSeen = socket.acceptSeen = 0;
}

static bool IsBound(const Socket& socket) {
  sockaddr_in name{};
  socklen_t length = sizeof(name);
  return getsockname(socket.fd, reinterpret_cast<sockaddr*>(&name), &length) == 0 && name.sin_port != 0;
}

// With both mutexes held: takes one connection from the listener for `op` into its accept socket. False if none
// is waiting. The addresses go into the output buffer after the receive part.
static bool AcceptInto(Socket& listener, Socket& acceptSocket, Operation* op) {
  sockaddr_in peer{};
  socklen_t length = sizeof(peer);
  int fd;
  do {
    fd = accept4(listener.fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd < 0 && (errno == EINTR || errno == ECONNABORTED));
  if (fd < 0) return false;
  sockaddr_in local{};
  length = sizeof(local);
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  ReplaceFd(acceptSocket, fd);
  ResetConnectionState(acceptSocket);
  acceptSocket.connect = ConnectState::Connected;
  acceptSocket.writeArmed = true;
  acceptSocket.acceptListener = 0;
  auto* buffer = static_cast<uint8_t*>(op->slices[0].base);
  const ExtensionArgs& args = op->extension;
  WriteAddress(buffer + args.receiveLength, local);
  WriteAddress(buffer + args.receiveLength + args.localLength, peer);
  listener.acceptReported = false;
  RecordCurrentReadiness(listener);
  return true;
}

// After AcceptInto: with no receive part the AcceptEx is done; else it waits for the first data as a receive.
// Returns true if it is done.
static bool AfterAccept(Socket& acceptSocket, Operation* op, bool queuedAlready) {
  if (op->extension.receiveLength == 0) {
    op->transferred = 0;
    op->error = kNoError;
    return true;
  }
  if (queuedAlready) {
    op->socket = &acceptSocket;
    acceptSocket.readQueue.push_back(op);
  } else {
    QueueLocked(acceptSocket, acceptSocket.readQueue, op);
  }
  DrainReadQueue(acceptSocket);  // data that came with the connection completes it now
  return false;
}

void DrainAcceptQueue(Socket& listener) {
  auto& queue = listener.acceptQueue;
  while (!queue.empty()) {
    Operation* op = queue.front();
    SocketPtr acceptSocket = FindSocket(op->extension.acceptSocket);
    if (!acceptSocket) {  // closed meanwhile: AbortAcceptOf takes it, unless we got here first
      queue.pop_front();
      op->error = WSA_OPERATION_ABORTED;
      BindToPortLocked(listener, op);
      backend::AnnounceCompletion(op);
      continue;
    }
    std::lock_guard<std::mutex> lock(acceptSocket->mutex);
    if (!AcceptInto(listener, *acceptSocket, op)) return;
    queue.pop_front();
    // The packet carries the listening socket's key, whichever queue finishes it.
    BindToPortLocked(listener, op);
    if (AfterAccept(*acceptSocket, op, true)) backend::AnnounceCompletion(op);
  }
}

void AbortAcceptOf(Socket& acceptSocket, std::deque<Operation*>* aborted) {
  if (acceptSocket.acceptListener == 0) return;
  SocketPtr listener = FindSocket(acceptSocket.acceptListener);
  if (!listener) return;
  std::vector<Operation*> taken;
  std::lock_guard<std::mutex> lock(listener->mutex);
  listener->acceptQueue.TakeIf([&](Operation* op) { return op->extension.acceptSocket == acceptSocket.handle; },
                               &taken);
  for (Operation* op : taken) {
    BindToPortLocked(*listener, op);
    aborted->push_back(op);
  }
}

uint32_t ClosedUnderError(const Operation* op) {
  // Measured on Windows: an AcceptEx whose socket goes reports a cancellation; an operation on an associated
  // socket closed by its owner reports STATUS_CONNECTION_ABORTED; without a port, Winsock reports it aborted.
  if (op->kind == OpKind::Accept || !op->port) return WSA_OPERATION_ABORTED;
  return WSAECONNABORTED;
}

backend::StartResult StartAccept(const SocketPtr& listener, Operation* op, uint32_t* error) {
  using backend::StartResult;
  const ExtensionArgs& args = op->extension;
  SocketPtr acceptSocket = FindSocket(args.acceptSocket, error);
  if (!acceptSocket) return StartResult::Failed;
  std::lock_guard<std::mutex> lock(listener->mutex);
  if (!listener->listening || acceptSocket == listener) {
    *error = WSAEINVAL;
    return StartResult::Failed;
  }
  std::lock_guard<std::mutex> acceptLock(acceptSocket->mutex);
  if (acceptSocket->listening || acceptSocket->acceptListener != 0 || acceptSocket->connect != ConnectState::Idle ||
      IsBound(*acceptSocket)) {
    *error = WSAEINVAL;
    return StartResult::Failed;
  }
  op->announcePending = true;  // AcceptEx reports ERROR_IO_PENDING; the packet follows
  if (listener->acceptQueue.empty() && AcceptInto(*listener, *acceptSocket, op)) {
    BindToPortLocked(*listener, op);
    if (AfterAccept(*acceptSocket, op, false)) return StartResult::Completed;
    return StartResult::Pending;
  }
  acceptSocket->acceptListener = listener->handle;
  QueueLocked(*listener, listener->acceptQueue, op);
  return StartResult::Pending;
}

bool TryConnect(Socket& socket, Operation* op) {
  ResolveConnect(socket);
  switch (socket.connect) {
    case ConnectState::Connecting:
      return false;
    case ConnectState::Failed:
      op->error = socket.connectError;
      op->transferred = 0;
      socket.connect = ConnectState::Idle;
      return true;
    default:
      return TrySend(socket, op);  // the data, once connected (none: done)
  }
}

backend::StartResult StartConnectLocked(Socket& socket, Operation* op, uint32_t* error) {
  using backend::StartResult;
  if (socket.connect == ConnectState::Connected) {
    *error = WSAEISCONN;
    return StartResult::Failed;
  }
  if (socket.listening || socket.connect == ConnectState::Connecting || !IsBound(socket)) {
    *error = WSAEINVAL;  // ConnectEx needs a bound, unconnected socket
    return StartResult::Failed;
  }
  op->announcePending = true;  // the result always comes as a completion, also a refusal
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = op->extension.port;
  target.sin_addr.s_addr = op->extension.address;
  if (connect(socket.fd, reinterpret_cast<sockaddr*>(&target), sizeof(target)) == 0) {
    socket.connect = ConnectState::Connected;
    socket.writeArmed = socket.connectDue = true;
  } else if (errno == EINPROGRESS) {
    socket.connect = ConnectState::Connecting;
  } else {
    op->error = WsaErrorFromErrno(errno);
    CompletedAtOnceLocked(socket, op);
    return StartResult::Completed;
  }
  if (socket.writeQueue.empty() && TryConnect(socket, op)) {
    CompletedAtOnceLocked(socket, op);
    return StartResult::Completed;
  }
  QueueLocked(socket, socket.writeQueue, op);
  return StartResult::Pending;
}

backend::StartResult StartDisconnectLocked(Socket& socket, Operation* op, uint32_t* error) {
  using backend::StartResult;
  ResolveConnect(socket);
  if (socket.connect != ConnectState::Connected) {
    *error = WSAENOTCONN;
    return StartResult::Failed;
  }
  shutdown(socket.fd, SHUT_WR);  // the graceful close: the peer reads the end of the stream
  socket.sendShut = true;
  if (op->extension.flags & TF_REUSE_SOCKET) {
    int fresh = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fresh < 0) {
      *error = WsaErrorFromErrno(errno);
      return StartResult::Failed;
    }
    // What was still queued ends with the connection.
    std::deque<Operation*> aborted;
    socket.readQueue.TakeAll(&aborted);
    socket.writeQueue.TakeAll(&aborted);
    CancelKernelHeldLocked(socket, &aborted, WSA_OPERATION_ABORTED);
    for (Operation* pending : aborted) {
      pending->error = WSA_OPERATION_ABORTED;
      BindToPortLocked(socket, pending);
      backend::AnnounceCompletion(pending);
    }
    ReplaceFd(socket, fresh);
    ResetConnectionState(socket);
  }
  op->announcePending = true;
  op->transferred = 0;
  op->error = kNoError;
  BindToPortLocked(socket, op);
  return StartResult::Completed;
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

uint32_t SetCompletionModes(uint32_t s, uint32_t modes) {
  SocketPtr socket = FindSocket(s);
  if (!socket) return ERROR_INVALID_HANDLE;
  if ((modes & ~(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE)) != 0) {
    return ERROR_INVALID_PARAMETER;
  }
  std::lock_guard<std::mutex> lock(socket->mutex);
  // Neither mode can be turned off again. FILE_SKIP_SET_EVENT_ON_HANDLE concerns the socket handle's own
  // signalled state, which nothing here waits on.
  if (modes & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) socket->skipPortOnSuccess = true;
  return 0;
}

uint32_t CancelIo(uint32_t s, const OverlappedState* only, EnvState* issuer) {
  SocketPtr socket = FindSocket(s);
  if (!socket) return ERROR_INVALID_HANDLE;
  std::vector<Operation*> cancelled;
  bool found;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    auto chosen = [&](Operation* op) {
      return (only == nullptr || op->state == only) && (issuer == nullptr || op->env == issuer);
    };
    socket->readQueue.TakeIf(chosen, &cancelled);
    socket->writeQueue.TakeIf(chosen, &cancelled);
    socket->acceptQueue.TakeIf(chosen, &cancelled);
    found = !cancelled.empty();
    CancelKernelHeldLocked(*socket, &cancelled, WSA_OPERATION_ABORTED);
    for (Operation* op : cancelled) {
      op->error = WSA_OPERATION_ABORTED;
      BindToPortLocked(*socket, op);
    }
  }
  if (!found) return issuer == nullptr ? ERROR_NOT_FOUND : 0;  // CancelIo has nothing to report
  for (Operation* op : cancelled) {
    if (op->kind == OpKind::Accept) {
      if (SocketPtr acceptSocket = FindSocket(op->extension.acceptSocket)) {
        std::lock_guard<std::mutex> lock(acceptSocket->mutex);
        acceptSocket->acceptListener = 0;
      }
    }
    AnnounceCompletion(op);
  }
  return 0;
}

void AcceptExSockaddrs(const uint8_t* buffer, uint32_t receiveLength, uint32_t localLength, uint32_t,
                       SockAddrIn* local, SockAddrIn* remote) {
  *local = ReadAddress(buffer + receiveLength);
  *remote = ReadAddress(buffer + receiveLength + localLength);
}

}  // namespace wsn::backend
