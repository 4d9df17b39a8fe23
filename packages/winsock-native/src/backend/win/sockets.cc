// socket / bind / listen / accept / connect / shutdown / closesocket / names / FIONBIO / FIONREAD and plain
// recv / send: thin calls into Winsock, which already has the semantics the seam asks for.
#include "backend/win/win.h"

namespace wsn::win {

static sockaddr_in ToNative(const backend::SockAddrIn& name) {
  sockaddr_in native{};
  native.sin_family = name.family;
  native.sin_port = name.port;
  native.sin_addr.s_addr = name.address;
  return native;
}

static backend::SockAddrIn FromNative(const sockaddr_in& native) {
  return {static_cast<uint16_t>(native.sin_family), native.sin_port, native.sin_addr.s_addr};
}

static uint32_t Result(int rc) { return rc == SOCKET_ERROR ? LastWsaError() : kNoError; }

static void Own(EnvState* env, SOCKET s) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  Win().sockets[FromHandle(s)] = env;
}

int CancelAndClose(SOCKET s, bool associated) {
  if (!associated) CancelIoEx(reinterpret_cast<HANDLE>(s), nullptr);
  return closesocket(s);
}

// WSABUF views of the caller's slices (the caller's buffers stay alive for the whole call).
static std::vector<WSABUF> ToWsaBufs(const IoSlice* slices, size_t count) {
  std::vector<WSABUF> buffers(count);
  for (size_t i = 0; i < count; i++) {
    buffers[i].buf = static_cast<char*>(slices[i].base);
    buffers[i].len = static_cast<ULONG>(slices[i].len);
  }
  return buffers;
}

}  // namespace wsn::win

namespace wsn::backend {
using namespace wsn::win;

uint32_t CreateSocket(EnvState* env, int af, int type, int protocol, uint32_t* handle) {
  if (uint32_t error = CheckStarted()) return error;
  // socket() on Windows makes overlapped-capable sockets too: WSA_FLAG_OVERLAPPED for both entry points.
  SOCKET s = WSASocketW(af, type, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED);
  if (s == INVALID_SOCKET) return LastWsaError();
  Own(env, s);
  *handle = FromHandle(s);
  return kNoError;
}

uint32_t CloseSocket(uint32_t s) {
  if (uint32_t error = CheckStarted()) return error;
  bool associated = false;
  {
    std::lock_guard<std::mutex> lock(Win().mutex);
    SocketPortPtr socketPort = FindSocketPortLocked(s);
    associated = socketPort && socketPort->port;
    ForgetSocketLocked(s);
    Win().sockets.erase(s);
  }
  return Result(CancelAndClose(ToSocket(s), associated));
}

uint32_t Bind(uint32_t s, const SockAddrIn& name) {
  if (uint32_t error = CheckStarted()) return error;
  sockaddr_in native = ToNative(name);
  return Result(bind(ToSocket(s), reinterpret_cast<sockaddr*>(&native), sizeof(native)));
}

uint32_t Listen(uint32_t s, int backlog) {
  if (uint32_t error = CheckStarted()) return error;
  return Result(listen(ToSocket(s), backlog));
}

uint32_t Accept(EnvState* env, uint32_t s, uint32_t* accepted, SockAddrIn* peer) {
  if (uint32_t error = CheckStarted()) return error;
  sockaddr_in native{};
  int length = sizeof(native);
  SOCKET client = accept(ToSocket(s), reinterpret_cast<sockaddr*>(&native), &length);
  if (client == INVALID_SOCKET) return LastWsaError();
  Own(env, client);
  *accepted = FromHandle(client);
  if (peer != nullptr) *peer = FromNative(native);
  return kNoError;
}

uint32_t Connect(uint32_t s, const SockAddrIn& name) {
  if (uint32_t error = CheckStarted()) return error;
  sockaddr_in native = ToNative(name);
  return Result(connect(ToSocket(s), reinterpret_cast<sockaddr*>(&native), sizeof(native)));
}

uint32_t Shutdown(uint32_t s, int how) {
  if (uint32_t error = CheckStarted()) return error;
  return Result(shutdown(ToSocket(s), how));
}

uint32_t SetNonBlocking(uint32_t s, bool nonBlocking) {
  if (uint32_t error = CheckStarted()) return error;
  u_long value = nonBlocking ? 1 : 0;
  return Result(ioctlsocket(ToSocket(s), FIONBIO, &value));
}

uint32_t BytesReadable(uint32_t s, uint32_t* bytes) {
  if (uint32_t error = CheckStarted()) return error;
  u_long value = 0;
  uint32_t error = Result(ioctlsocket(ToSocket(s), FIONREAD, &value));
  if (error == kNoError) *bytes = static_cast<uint32_t>(value);
  return error;
}

template <int (WSAAPI* Query)(SOCKET, sockaddr*, int*)>
static uint32_t QueryName(uint32_t s, SockAddrIn* name) {
  if (uint32_t error = CheckStarted()) return error;
  sockaddr_in native{};
  int length = sizeof(native);
  if (Query(ToSocket(s), reinterpret_cast<sockaddr*>(&native), &length) == SOCKET_ERROR) return LastWsaError();
  *name = FromNative(native);
  return kNoError;
}

uint32_t GetSockName(uint32_t s, SockAddrIn* name) { return QueryName<getsockname>(s, name); }
uint32_t GetPeerName(uint32_t s, SockAddrIn* name) { return QueryName<getpeername>(s, name); }

uint32_t Recv(uint32_t s, IoSlice* slices, size_t count, uint32_t flags, uint32_t* bytes) {
  if (uint32_t error = CheckStarted()) return error;
  std::vector<WSABUF> buffers = ToWsaBufs(slices, count);
  DWORD received = 0, inOut = flags;
  int rc = WSARecv(ToSocket(s), buffers.data(), static_cast<DWORD>(count), &received, &inOut, nullptr, nullptr);
  if (rc == SOCKET_ERROR) return LastWsaError();
  *bytes = received;
  return kNoError;
}

uint32_t Send(uint32_t s, IoSlice* slices, size_t count, uint32_t flags, uint32_t* bytes) {
  if (uint32_t error = CheckStarted()) return error;
  std::vector<WSABUF> buffers = ToWsaBufs(slices, count);
  DWORD sent = 0;
  int rc = WSASend(ToSocket(s), buffers.data(), static_cast<DWORD>(count), &sent, flags, nullptr, nullptr);
  if (rc == SOCKET_ERROR) return LastWsaError();
  *bytes = sent;
  return kNoError;
}

uint32_t SetSockOpt(uint32_t s, int level, int name, const OptionValue& value) {
  if (uint32_t error = CheckStarted()) return error;
  if (level == SOL_SOCKET && name == SO_UPDATE_ACCEPT_CONTEXT) {
    // optval is the listening SOCKET itself, pointer-sized: Winsock wants sizeof(SOCKET) bytes.
    SOCKET listener = ToSocket(static_cast<uint32_t>(value.integer));
    return Result(setsockopt(ToSocket(s), level, name, reinterpret_cast<const char*>(&listener), sizeof(listener)));
  }
  if (level == SOL_SOCKET && name == SO_UPDATE_CONNECT_CONTEXT) {
    return Result(setsockopt(ToSocket(s), level, name, nullptr, 0));
  }
  if (level == SOL_SOCKET && name == SO_LINGER) {
    linger native{value.linger.onoff, value.linger.seconds};
    return Result(setsockopt(ToSocket(s), level, name, reinterpret_cast<const char*>(&native), sizeof(native)));
  }
  int native = value.integer;
  return Result(setsockopt(ToSocket(s), level, name, reinterpret_cast<const char*>(&native), sizeof(native)));
}

uint32_t GetSockOpt(uint32_t s, int level, int name, OptionValue* value) {
  if (uint32_t error = CheckStarted()) return error;
  if (level == SOL_SOCKET && name == SO_LINGER) {
    linger native{};
    int length = sizeof(native);
    if (getsockopt(ToSocket(s), level, name, reinterpret_cast<char*>(&native), &length) == SOCKET_ERROR) {
      return LastWsaError();
    }
    value->linger = {native.l_onoff, native.l_linger};
    return kNoError;
  }
  int native = 0;  // BOOL options (TCP_NODELAY, SO_REUSEADDR) may write fewer bytes: start from zero
  int length = sizeof(native);
  if (getsockopt(ToSocket(s), level, name, reinterpret_cast<char*>(&native), &length) == SOCKET_ERROR) {
    return LastWsaError();
  }
  value->integer = native;
  return kNoError;
}

uint32_t EventSelect(uint32_t s, uint32_t event, uint32_t networkEvents) {
  if (uint32_t error = CheckStarted()) return error;
  return Result(WSAEventSelect(ToSocket(s), ToHandle(event), static_cast<long>(networkEvents)));
}

uint32_t EnumNetworkEvents(uint32_t s, uint32_t event, uint32_t* networkEvents, int32_t errors[FD_MAX_EVENTS]) {
  if (uint32_t error = CheckStarted()) return error;
  WSANETWORKEVENTS native{};
  if (WSAEnumNetworkEvents(ToSocket(s), ToHandle(event), &native) == SOCKET_ERROR) return LastWsaError();
  *networkEvents = static_cast<uint32_t>(native.lNetworkEvents);
  for (int i = 0; i < FD_MAX_EVENTS; i++) errors[i] = native.iErrorCode[i];
  return kNoError;
}

}  // namespace wsn::backend
