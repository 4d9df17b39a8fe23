// Data transfer: plain recv/send (blocking emulated with poll) and overlapped WSARecv/WSASend queues.
#include "backend/posix/socket_io.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstddef>

#include "backend/posix/errno_map.h"
#include "core/env_state.h"

namespace wsn::posix {

static_assert(sizeof(IoSlice) == sizeof(iovec) && offsetof(IoSlice, base) == offsetof(iovec, iov_base) &&
                  offsetof(IoSlice, len) == offsetof(iovec, iov_len),
              "IoSlice must be usable as an iovec");

static size_t TotalLength(const IoSlice* slices, size_t count) {
  size_t total = 0;
  for (size_t i = 0; i < count; i++) total += slices[i].len;
  return total;
}

// One receive attempt. Returns bytes (0 = graceful close) or -1 with errno.
static ssize_t ReceiveOnce(Socket& socket, IoSlice* slices, size_t count, int flags) {
  if (TotalLength(slices, count) == 0) {
    // A zero-byte receive completes once data (or the close) is there, without consuming anything.
    char probe;
    ssize_t peeked = recv(socket.fd, &probe, 1, MSG_PEEK | flags);
    return peeked < 0 ? -1 : 0;
  }
  msghdr message{};
  message.msg_iov = reinterpret_cast<iovec*>(slices);
  message.msg_iovlen = count;
  ssize_t result;
  do {
    // One buffer (a session's receive): recv spares the kernel copying in a msghdr and an iovec array.
    result = count == 1 ? recv(socket.fd, slices[0].base, slices[0].len, flags) : recvmsg(socket.fd, &message, flags);
  } while (result < 0 && errno == EINTR);
  return result;
}

// State checks shared by every receive / send path; 0 if the syscall may be attempted. Linux would say EPIPE
// (a send on an unconnected socket) or 0 (a receive after SD_RECEIVE) where Windows has its own errors.
static uint32_t ReceiveBlocker(Socket& socket) {
  if (socket.closed) return WSAENOTSOCK;
  ResolveConnect(socket);
  if (socket.connect != ConnectState::Connected) return WSAENOTCONN;
  if (socket.receiveShut) return WSAESHUTDOWN;
  if (socket.resetSeen) return WSAECONNRESET;
  return kNoError;
}

static uint32_t SendBlocker(Socket& socket) {
  if (socket.closed) return WSAENOTSOCK;
  ResolveConnect(socket);
  if (socket.connect != ConnectState::Connected) return WSAENOTCONN;
  if (socket.sendShut) return WSAESHUTDOWN;
  return kNoError;
}

// Linux reports a reset once, to whichever call meets it first; Windows keeps failing receives with it.
uint32_t ConnectionError(Socket& socket, int error) {
  uint32_t wsaError = WsaErrorFromErrno(error);
  if (wsaError == WSAECONNRESET) socket.resetSeen = true;
  return wsaError;
}

size_t ReceiveLength(const Operation* op) { return TotalLength(op->slices.data(), op->slices.size()); }

void SettleReceive(Socket& socket, Operation* op, ssize_t result) {
  if (result < 0) {
    op->error = ConnectionError(socket, static_cast<int>(-result));
    return;
  }
  op->transferred = static_cast<size_t>(result);
  op->error = kNoError;
  // A stream receive that came back short took everything there was: the next edge says when more arrives.
  if (result > 0 && (op->msgFlags & MSG_PEEK) == 0 && !socket.hangupSeen &&
      static_cast<size_t>(result) < ReceiveLength(op)) {
    socket.readable = false;
  }
}

// Tries `op` once. Returns false if it would block (op untouched), true if it finished (op->error/transferred).
bool TryReceive(Socket& socket, Operation* op) {
  if (socket.resetSeen) {  // every receive after a reset fails with it, not just the first
    op->error = WSAECONNRESET;
    op->transferred = 0;
    return true;
  }
  ssize_t received = ReceiveOnce(socket, op->slices.data(), op->slices.size(), static_cast<int>(op->msgFlags));
  if (received < 0 && WouldBlock(errno)) {
    socket.readable = false;
    return false;
  }
  SettleReceive(socket, op, received < 0 ? -errno : received);
  return true;
}

bool SendComplete(Operation* op) {
  auto& slices = op->slices;
  while (op->nextSlice < slices.size() && slices[op->nextSlice].len == 0) op->nextSlice++;
  return op->nextSlice == slices.size();
}

void AdvanceSend(Operation* op, size_t sent) {
  op->transferred += sent;
  // Advance the owned slice copy past what the kernel took.
  for (size_t left = sent; left > 0;) {
    IoSlice& slice = op->slices[op->nextSlice];
    size_t step = left < slice.len ? left : slice.len;
    slice.base = static_cast<char*>(slice.base) + step;
    slice.len -= step;
    left -= step;
    if (slice.len == 0) op->nextSlice++;
  }
}

// Sends from op->nextSlice on until everything is written or the socket is full.
bool TrySend(Socket& socket, Operation* op) {
  while (!SendComplete(op)) {
    msghdr message{};
    message.msg_iov = reinterpret_cast<iovec*>(op->slices.data() + op->nextSlice);
    message.msg_iovlen = op->slices.size() - op->nextSlice;
    const int flags = MSG_NOSIGNAL | static_cast<int>(op->msgFlags);
    const IoSlice& first = op->slices[op->nextSlice];
    // One buffer left (nearly every send): send spares the kernel copying in a msghdr and an iovec array.
    ssize_t sent = message.msg_iovlen == 1 ? send(socket.fd, first.base, first.len, flags) : sendmsg(socket.fd, &message, flags);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (WouldBlock(errno)) {
        socket.writable = false;
        return false;
      }
      op->error = ConnectionError(socket, errno);  // a send that meets the reset records it for receives
      return true;
    }
    AdvanceSend(op, static_cast<size_t>(sent));
  }
  op->error = kNoError;
  return true;
}

void DrainReadQueue(Socket& socket) {
  if (KernelTransfers(socket)) return SubmitQueueHeadsLocked(socket);
  auto& queue = socket.readQueue;
  while (!queue.empty() && (socket.readable || socket.resetSeen)) {
    Operation* op = queue.front();
    if (!TryReceive(socket, op)) return;
    socket.readReported = false;  // a completed receive re-enables FD_READ (recorded by the caller's look)
    queue.pop_front();
    BindToPortLocked(socket, op);
    backend::AnnounceCompletion(op);
  }
}

void DrainWriteQueue(Socket& socket) {
  auto& queue = socket.writeQueue;
  const bool kernelSends = KernelTransfers(socket);
  while (!queue.empty() && (socket.writable || queue.front()->kind == OpKind::Connect)) {
    Operation* op = queue.front();
    if (kernelSends && op->kind != OpKind::Connect) break;  // a ConnectEx connects on readiness, sends go to the kernel
    if (!(op->kind == OpKind::Connect ? TryConnect(socket, op) : TrySend(socket, op))) return;
    queue.pop_front();
    BindToPortLocked(socket, op);
    backend::AnnounceCompletion(op);
  }
  if (kernelSends) SubmitQueueHeadsLocked(socket);
}

void CompletedAtOnceLocked(Socket& socket, Operation* op) {
  BindToPortLocked(socket, op);
  // Skipped only when the call itself reports the success; a call that says ERROR_IO_PENDING owes its packet.
  if (socket.skipPortOnSuccess && !op->announcePending && op->error == kNoError) op->noPacket = true;
}

void QueueLocked(Socket& socket, OperationQueue& queue, Operation* op) {
  RetainPastCall(op);
  op->socket = &socket;
  op->env->operationsInFlight.fetch_add(1, std::memory_order_relaxed);
  queue.push_back(op);
  if (KernelTransfers(socket)) SubmitQueueHeadsLocked(socket);
}

void BindToPortLocked(Socket& socket, Operation* op) {
  // An AcceptEx finishing on its accept socket still completes to the listener's port, under its key.
  if (!socket.port || (op->kind == OpKind::Accept && socket.handle == op->extension.acceptSocket)) return;
  op->port = socket.port;
  op->key = socket.portKey;
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

// Only MSG_PEEK changes what a stream receive does here; other bits (lpFlags is in/out and often carries
// leftovers) are ignored rather than failed, and out-of-band data is not supported.
static uint32_t TranslateRecvFlags(uint32_t windowsFlags) { return (windowsFlags & WS_MSG_PEEK) ? MSG_PEEK : 0; }

uint32_t Recv(uint32_t s, IoSlice* slices, size_t count, uint32_t flags, uint32_t* bytes) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  const uint32_t platformFlags = TranslateRecvFlags(flags);
  std::unique_lock<std::mutex> lock(socket->mutex);
  for (;;) {
    if ((error = ReceiveBlocker(*socket)) != kNoError) return error;
    ssize_t received = ReceiveOnce(*socket, slices, count, static_cast<int>(platformFlags));
    if (received >= 0) {
      *bytes = static_cast<uint32_t>(received);
      ReenableRead(*socket);
      return kNoError;
    }
    if (!WouldBlock(errno)) return ConnectionError(*socket, errno);
    if (socket->nonBlocking) {
      ReenableRead(*socket);
      return WSAEWOULDBLOCK;
    }
    lock.unlock();
    WaitForFd(socket->fd, POLLIN);
    lock.lock();
  }
}

uint32_t Send(uint32_t s, IoSlice* slices, size_t count, uint32_t flags, uint32_t* bytes) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  // A plain send works on the caller's slices through a stack Operation: same loop as overlapped sends.
  Operation op;
  op.slices.assign(slices, slices + count);
  std::unique_lock<std::mutex> lock(socket->mutex);
  for (;;) {
    if ((error = SendBlocker(*socket)) != kNoError) return error;
    if (TrySend(*socket, &op)) {
      *bytes = static_cast<uint32_t>(op.transferred);
      return op.error;
    }
    if (socket->nonBlocking) {
      // Non-blocking: a partial send is a success; nothing sent is WSAEWOULDBLOCK and arms FD_WRITE.
      *bytes = static_cast<uint32_t>(op.transferred);
      if (op.transferred > 0) return kNoError;
      socket->writeArmed = true;
      return WSAEWOULDBLOCK;
    }
    lock.unlock();
    WaitForFd(socket->fd, POLLOUT);
    lock.lock();
  }
}

StartResult StartOperation(uint32_t s, Operation* op, uint32_t* error) {
  SocketPtr socket = FindSocket(s, error);
  if (!socket) return StartResult::Failed;
  if (op->kind == OpKind::Accept) return StartAccept(socket, op, error);
  const bool receive = op->kind == OpKind::Recv;
  op->msgFlags = receive ? TranslateRecvFlags(op->msgFlags) : 0;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    // A completion port takes every completion of an associated socket: a routine has nowhere to run.
    if (socket->port && op->hasRoutine()) {
      *error = WSAEINVAL;
      return StartResult::Failed;
    }
    if (op->kind == OpKind::Connect) return StartConnectLocked(*socket, op, error);
    if (op->kind == OpKind::Disconnect) return StartDisconnectLocked(*socket, op, error);
    *error = receive ? ReceiveBlocker(*socket) : SendBlocker(*socket);
    if (*error != kNoError) return StartResult::Failed;
    auto& queue = receive ? socket->readQueue : socket->writeQueue;
    // Only an empty queue may try at once: later operations must not overtake earlier ones. A socket the cache
    // knows to be empty (or full) is not asked: its next edge drains the queue.
    if (queue.empty() && (receive ? socket->readable || socket->resetSeen : socket->writable)) {
      bool finished = receive ? TryReceive(*socket, op) : TrySend(*socket, op);
      if (finished) {
        if (receive) ReenableRead(*socket);
        // An error at the first attempt is the call's error: nothing will ever be signalled for it.
        *error = op->error;
        if (op->error != kNoError) return StartResult::Failed;
        CompletedAtOnceLocked(*socket, op);
        return StartResult::Completed;
      }
    }
    QueueLocked(*socket, queue, op);
  }
  return StartResult::Pending;
}

}  // namespace wsn::backend
