// setsockopt / getsockopt: Windows option numbers and value shapes mapped onto Linux.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "backend/posix/errno_map.h"
#include "backend/posix/socket.h"

namespace wsn::posix {

enum class Shape { Integer, Linger, Error };

struct NativeOption {
  int level;
  int name;
  Shape shape;
  bool halvedOnRead;  // Linux reports twice the buffer size that was set; Windows reports the size itself
};

static bool MapOption(int level, int name, NativeOption* out, uint32_t* error) {
  if (level == WS_SOL_SOCKET) {
    switch (name) {
      case WS_SO_REUSEADDR: *out = {SOL_SOCKET, SO_REUSEADDR, Shape::Integer, false}; return true;
      case WS_SO_KEEPALIVE: *out = {SOL_SOCKET, SO_KEEPALIVE, Shape::Integer, false}; return true;
      case WS_SO_LINGER: *out = {SOL_SOCKET, SO_LINGER, Shape::Linger, false}; return true;
      case WS_SO_SNDBUF: *out = {SOL_SOCKET, SO_SNDBUF, Shape::Integer, true}; return true;
      case WS_SO_RCVBUF: *out = {SOL_SOCKET, SO_RCVBUF, Shape::Integer, true}; return true;
      case WS_SO_ERROR: *out = {SOL_SOCKET, SO_ERROR, Shape::Error, false}; return true;
      case WS_SO_TYPE: *out = {SOL_SOCKET, SO_TYPE, Shape::Integer, false}; return true;
      default: break;
    }
  } else if (level == WS_IPPROTO_TCP) {
    if (name == WS_TCP_NODELAY) {
      *out = {IPPROTO_TCP, TCP_NODELAY, Shape::Integer, false};
      return true;
    }
  } else {
    *error = WSAEINVAL;
    return false;
  }
  *error = WSAENOPROTOOPT;
  return false;
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

uint32_t SetSockOpt(uint32_t s, int level, int name, const OptionValue& value) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  // After AcceptEx / ConnectEx, Windows gives the socket its listener's or connection's context; Linux sockets
  // have it from the start. What stays to check: the listener is a socket, the connection exists.
  if (level == WS_SOL_SOCKET && name == WS_SO_UPDATE_ACCEPT_CONTEXT) {
    if (!FindSocket(static_cast<uint32_t>(value.integer))) return WSAENOTSOCK;
  }
  if (level == WS_SOL_SOCKET && (name == WS_SO_UPDATE_ACCEPT_CONTEXT || name == WS_SO_UPDATE_CONNECT_CONTEXT)) {
    std::lock_guard<std::mutex> lock(socket->mutex);
    ResolveConnect(*socket);
    return socket->connect == ConnectState::Connected ? kNoError : WSAENOTCONN;
  }
  NativeOption option;
  if (!MapOption(level, name, &option, &error)) return error;
  int result;
  if (option.shape == Shape::Linger) {
    linger native{value.linger.onoff != 0, value.linger.seconds};
    result = setsockopt(socket->fd, option.level, option.name, &native, sizeof(native));
  } else if (option.shape == Shape::Integer && option.name != SO_TYPE) {
    int native = value.integer;
    result = setsockopt(socket->fd, option.level, option.name, &native, sizeof(native));
  } else {
    return WSAENOPROTOOPT;  // read-only options
  }
  return result < 0 ? WsaErrorFromErrno(errno) : kNoError;
}

uint32_t GetSockOpt(uint32_t s, int level, int name, OptionValue* value) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  NativeOption option;
  if (!MapOption(level, name, &option, &error)) return error;
  if (option.shape == Shape::Linger) {
    linger native{};
    socklen_t length = sizeof(native);
    if (getsockopt(socket->fd, option.level, option.name, &native, &length) < 0) return WsaErrorFromErrno(errno);
    value->linger = {static_cast<uint16_t>(native.l_onoff != 0), static_cast<uint16_t>(native.l_linger)};
    return kNoError;
  }
  if (option.name == SO_TYPE && option.level == SOL_SOCKET) {
    int type = 0;
    socklen_t length = sizeof(type);
    getsockopt(socket->fd, SOL_SOCKET, SO_TYPE, &type, &length);
    value->integer = type == SOCK_DGRAM ? WS_SOCK_DGRAM : WS_SOCK_STREAM;
    return kNoError;
  }
  int native = 0;
  socklen_t length = sizeof(native);
  if (getsockopt(socket->fd, option.level, option.name, &native, &length) < 0) return WsaErrorFromErrno(errno);
  if (option.shape == Shape::Error) {
    // A failed non-blocking connect already consumed the kernel's error; Windows still reports it here.
    std::lock_guard<std::mutex> lock(socket->mutex);
    value->integer = static_cast<int32_t>(native != 0                                 ? WsaErrorFromErrno(native)
                                          : socket->connect == ConnectState::Failed ? socket->connectError
                                                                                    : kNoError);
    return kNoError;
  }
  value->integer = option.halvedOnRead ? native / 2 : native;
  return kNoError;
}

}  // namespace wsn::backend
