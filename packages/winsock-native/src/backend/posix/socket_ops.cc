// bind / listen / accept / connect / shutdown / names / FIONBIO / FIONREAD.
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>

#include "backend/posix/errno_map.h"
#include "backend/posix/socket.h"
#include "core/env_state.h"

namespace wsn::posix {

static sockaddr_in ToNative(const backend::SockAddrIn& name) {
  sockaddr_in native{};
  native.sin_family = AF_INET;
  native.sin_port = name.port;
  native.sin_addr.s_addr = name.address;
  return native;
}

static backend::SockAddrIn FromNative(const sockaddr_in& native) {
  return {WS_AF_INET, native.sin_port, native.sin_addr.s_addr};
}

static int SocketError(int fd) {
  int error = 0;
  socklen_t length = sizeof(error);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
  return error;
}

void ResolveConnect(Socket& socket) {
  if (socket.connect != ConnectState::Connecting) return;
  pollfd entry{socket.fd, POLLOUT, 0};
  poll(&entry, 1, 0);
  if ((entry.revents & (POLLOUT | POLLERR | POLLHUP)) == 0) return;  // still in progress
  int error = SocketError(socket.fd);
  if (error == 0 && (entry.revents & POLLHUP) == 0) {
    socket.connect = ConnectState::Connected;
    socket.writeArmed = true;
    socket.connectDue = true;
    RecordCurrentReadiness(socket);
  } else {
    socket.connect = ConnectState::Failed;
    socket.connectError = WsaErrorFromErrno(error != 0 ? error : ECONNREFUSED);
    RecordNetworkEvent(socket, FD_CONNECT_BIT, socket.connectError);
  }
}

// A failed connect is reported once; the socket may then connect again.
static uint32_t TakeConnectFailure(Socket& socket) {
  socket.connect = ConnectState::Idle;
  return socket.connectError;
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

uint32_t Bind(uint32_t s, const SockAddrIn& name) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  if (name.family != WS_AF_INET) return WSAEAFNOSUPPORT;
  sockaddr_in native = ToNative(name);
  if (bind(socket->fd, reinterpret_cast<sockaddr*>(&native), sizeof(native)) < 0) return WsaErrorFromErrno(errno);
  return kNoError;
}

uint32_t Listen(uint32_t s, int backlog) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  SockAddrIn local;
  // Linux binds an unbound socket on listen(); Windows refuses with WSAEINVAL.
  if (GetSockName(s, &local) != kNoError) return WSAEINVAL;
  if (backlog < 0 || backlog > SOMAXCONN) backlog = SOMAXCONN;
  std::lock_guard<std::mutex> lock(socket->mutex);
  if (socket->connect == ConnectState::Connected) return WSAEISCONN;
  if (listen(socket->fd, backlog) < 0) return WsaErrorFromErrno(errno);
  socket->listening = true;
  RecordCurrentReadiness(*socket);
  return kNoError;
}

uint32_t Accept(EnvState* env, uint32_t s, uint32_t* accepted, SockAddrIn* peer) {
  uint32_t error;
  SocketPtr listener = FindSocket(s, &error);
  if (!listener) return error;
  sockaddr_in native{};
  int fd;
  for (;;) {
    socklen_t length = sizeof(native);
    fd = accept4(listener->fd, reinterpret_cast<sockaddr*>(&native), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) break;
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (!WouldBlock(errno)) return WsaErrorFromErrno(errno);
    std::lock_guard<std::mutex> lock(listener->mutex);
    if (!listener->listening) return WSAEINVAL;
    listener->acceptReported = false;  // accept() re-enables FD_ACCEPT, even when it would block
    if (listener->nonBlocking) return WSAEWOULDBLOCK;
    listener->mutex.unlock();
    WaitForFd(listener->fd, POLLIN);
    listener->mutex.lock();
  }
  SocketPtr socket = AddSocket(env, fd);
  *accepted = socket->handle;
  if (peer != nullptr) *peer = FromNative(native);

  uint32_t event, mask;
  bool nonBlocking;
  {
    std::lock_guard<std::mutex> lock(listener->mutex);
    listener->acceptReported = false;
    RecordCurrentReadiness(*listener);  // FD_ACCEPT is re-enabled: recorded again while connections remain
    event = listener->selectEvent;
    mask = listener->selectMask;
    nonBlocking = listener->nonBlocking;
  }
  // The accepted socket has the listener's properties, WSAEventSelect association included (Windows does this).
  std::lock_guard<std::mutex> lock(socket->mutex);
  socket->connect = ConnectState::Connected;
  socket->nonBlocking = nonBlocking;
  socket->selectEvent = event;
  socket->selectMask = mask;
  socket->writeArmed = true;
  RecordCurrentReadiness(*socket);
  return kNoError;
}

uint32_t Connect(uint32_t s, const SockAddrIn& name) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  if (name.family != WS_AF_INET) return WSAEAFNOSUPPORT;
  std::unique_lock<std::mutex> lock(socket->mutex);
  switch (socket->connect) {
    case ConnectState::Connected: return WSAEISCONN;
    case ConnectState::Failed: return TakeConnectFailure(*socket);
    case ConnectState::Connecting:
      ResolveConnect(*socket);
      if (socket->connect == ConnectState::Connecting) return WSAEALREADY;
      return socket->connect == ConnectState::Connected ? WSAEISCONN : TakeConnectFailure(*socket);
    case ConnectState::Idle: break;
  }
  if (socket->listening) return WSAEINVAL;
  sockaddr_in native = ToNative(name);
  if (connect(socket->fd, reinterpret_cast<sockaddr*>(&native), sizeof(native)) == 0) {
    socket->connect = ConnectState::Connected;
    socket->writeArmed = true;
    socket->connectDue = true;
    RecordCurrentReadiness(*socket);
    return kNoError;
  }
  if (errno != EINPROGRESS) return WsaErrorFromErrno(errno);
  socket->connect = ConnectState::Connecting;
  if (socket->nonBlocking) return WSAEWOULDBLOCK;
  while (socket->connect == ConnectState::Connecting) {
    lock.unlock();
    WaitForFd(socket->fd, POLLOUT);
    lock.lock();
    ResolveConnect(*socket);
  }
  return socket->connect == ConnectState::Connected ? kNoError : TakeConnectFailure(*socket);
}

uint32_t Shutdown(uint32_t s, int how) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  static const int kHow[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
  if (how < 0 || how > 2) return WSAEINVAL;
  std::lock_guard<std::mutex> lock(socket->mutex);
  if (shutdown(socket->fd, kHow[how]) < 0) return WsaErrorFromErrno(errno);
  socket->receiveShut |= how != 1;
  socket->sendShut |= how != 0;
  return kNoError;
}

uint32_t SetNonBlocking(uint32_t s, bool nonBlocking) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  std::lock_guard<std::mutex> lock(socket->mutex);
  // Windows refuses to leave non-blocking mode while a WSAEventSelect association is active.
  if (!nonBlocking && socket->selectMask != 0) return WSAEINVAL;
  socket->nonBlocking = nonBlocking;
  return kNoError;
}

uint32_t BytesReadable(uint32_t s, uint32_t* bytes) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  int available = 0;
  if (ioctl(socket->fd, FIONREAD, &available) < 0) return WsaErrorFromErrno(errno);
  *bytes = static_cast<uint32_t>(available);
  return kNoError;
}

static uint32_t GetName(uint32_t s, SockAddrIn* name, int (*query)(int, sockaddr*, socklen_t*)) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  sockaddr_in native{};
  socklen_t length = sizeof(native);
  if (query(socket->fd, reinterpret_cast<sockaddr*>(&native), &length) < 0) return WsaErrorFromErrno(errno);
  *name = FromNative(native);
  return kNoError;
}

uint32_t GetSockName(uint32_t s, SockAddrIn* name) {
  uint32_t error = GetName(s, name, getsockname);
  // An unbound socket has no name on Windows (Linux reports 0.0.0.0:0).
  if (error == kNoError && name->port == 0 && name->address == 0) return WSAEINVAL;
  return error;
}

uint32_t GetPeerName(uint32_t s, SockAddrIn* name) { return GetName(s, name, getpeername); }

}  // namespace wsn::backend
