// socket / WSASocket / bind / listen / accept / connect / closesocket / shutdown / ioctlsocket / names.
#include "api/api.h"
#include "api/marshal.h"
#include "core/env_state.h"

namespace wsn::api {

constexpr double kInvalidSocket = -1;  // INVALID_SOCKET (~0) as JS sees it

static uint32_t SocketArg(const Napi::CallbackInfo& info, const char* function) {
  return ToUint32({info, function, 0, "s"});
}

static Napi::Value NewSocket(const Napi::CallbackInfo& info, const char* function) {
  Napi::Env env = info.Env();
  int af = ToInt32({info, function, 0, "af"});
  int type = ToInt32({info, function, 1, "type"});
  int protocol = ToInt32({info, function, 2, "protocol"});
  uint32_t handle;
  uint32_t error = backend::CreateSocket(&GetEnvState(env), af, type, protocol, &handle);
  if (error != kNoError) return Fail(env, error, Napi::Number::New(env, kInvalidSocket));
  return Napi::Number::New(env, handle);
}

static Napi::Value Socket(const Napi::CallbackInfo& info) { return NewSocket(info, "socket"); }

// Every socket can do overlapped I/O here, so lpProtocolInfo, g and dwFlags change nothing.
static Napi::Value WSASocket(const Napi::CallbackInfo& info) { return NewSocket(info, "WSASocket"); }

// bind / connect: (s, name: SOCKADDR_IN, namelen)
template <uint32_t (*Call)(uint32_t, const backend::SockAddrIn&)>
static Napi::Value WithAddress(const Napi::CallbackInfo& info, const char* function) {
  uint32_t s = SocketArg(info, function);
  backend::SockAddrIn name = ToSockAddr({info, function, 1, "name"});
  if (ToInt32({info, function, 2, "namelen"}) < static_cast<int32_t>(kSockAddrInSize)) {
    return FailSocket(info.Env(), WSAEFAULT);
  }
  return FailSocket(info.Env(), Call(s, name));
}

static Napi::Value Bind(const Napi::CallbackInfo& info) { return WithAddress<backend::Bind>(info, "bind"); }
static Napi::Value Connect(const Napi::CallbackInfo& info) { return WithAddress<backend::Connect>(info, "connect"); }

static Napi::Value Listen(const Napi::CallbackInfo& info) {
  uint32_t s = SocketArg(info, "listen");
  return FailSocket(info.Env(), backend::Listen(s, ToInt32({info, "listen", 1, "backlog"})));
}

static Napi::Value Accept(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t s = SocketArg(info, "accept");
  Arg addrArg{info, "accept", 1, "addr"};
  Napi::Object addr = addrArg.isNullish() ? Napi::Object() : ToObject(addrArg);
  Arg lengthArg{info, "accept", 2, "addrlen"};
  Napi::Object length = ToBox(lengthArg, true);
  if (!addr.IsEmpty() && (length.IsEmpty() || BoxValue(lengthArg, length) < kSockAddrInSize)) {
    return Fail(env, WSAEFAULT, Napi::Number::New(env, kInvalidSocket));
  }
  uint32_t accepted;
  backend::SockAddrIn peer;
  uint32_t error = backend::Accept(&GetEnvState(env), s, &accepted, &peer);
  if (error != kNoError) return Fail(env, error, Napi::Number::New(env, kInvalidSocket));
  if (!addr.IsEmpty()) {
    WriteSockAddr(env, addr, peer);
    SetBox(length, kSockAddrInSize);
  }
  return Napi::Number::New(env, accepted);
}

static Napi::Value CloseSocket(const Napi::CallbackInfo& info) {
  return FailSocket(info.Env(), backend::CloseSocket(SocketArg(info, "closesocket")));
}

static Napi::Value Shutdown(const Napi::CallbackInfo& info) {
  uint32_t s = SocketArg(info, "shutdown");
  return FailSocket(info.Env(), backend::Shutdown(s, ToInt32({info, "shutdown", 1, "how"})));
}

static Napi::Value IoctlSocket(const Napi::CallbackInfo& info) {
  uint32_t s = SocketArg(info, "ioctlsocket");
  uint32_t command = ToUint32({info, "ioctlsocket", 1, "cmd"});
  Arg argpArg{info, "ioctlsocket", 2, "argp"};
  Napi::Object argp = ToBox(argpArg);
  if (command == WS_FIONBIO) return FailSocket(info.Env(), backend::SetNonBlocking(s, BoxValue(argpArg, argp) != 0));
  if (command == WS_FIONREAD) {
    uint32_t bytes = 0;
    uint32_t error = backend::BytesReadable(s, &bytes);
    if (error == kNoError) SetBox(argp, bytes);
    return FailSocket(info.Env(), error);
  }
  return FailSocket(info.Env(), WSAEINVAL);
}

// getsockname / getpeername: (s, name: SOCKADDR_IN, namelen: INT)
template <uint32_t (*Call)(uint32_t, backend::SockAddrIn*)>
static Napi::Value QueryName(const Napi::CallbackInfo& info, const char* function) {
  Napi::Env env = info.Env();
  uint32_t s = SocketArg(info, function);
  Napi::Object target = ToObject({info, function, 1, "name"});
  Arg lengthArg{info, function, 2, "namelen"};
  Napi::Object length = ToBox(lengthArg);
  if (BoxValue(lengthArg, length) < kSockAddrInSize) return FailSocket(env, WSAEFAULT);
  backend::SockAddrIn name;
  uint32_t error = Call(s, &name);
  if (error == kNoError) {
    WriteSockAddr(env, target, name);
    SetBox(length, kSockAddrInSize);
  }
  return FailSocket(env, error);
}

static Napi::Value GetSockName(const Napi::CallbackInfo& info) {
  return QueryName<backend::GetSockName>(info, "getsockname");
}
static Napi::Value GetPeerName(const Napi::CallbackInfo& info) {
  return QueryName<backend::GetPeerName>(info, "getpeername");
}

void RegisterSockets(Napi::Env env, Napi::Object exports) {
  Export<Socket>(env, exports, "socket");
  Export<WSASocket>(env, exports, "WSASocket");
  Export<Bind>(env, exports, "bind");
  Export<Listen>(env, exports, "listen");
  Export<Accept>(env, exports, "accept");
  Export<Connect>(env, exports, "connect");
  Export<CloseSocket>(env, exports, "closesocket");
  Export<Shutdown>(env, exports, "shutdown");
  Export<IoctlSocket>(env, exports, "ioctlsocket");
  Export<GetSockName>(env, exports, "getsockname");
  Export<GetPeerName>(env, exports, "getpeername");
}

}  // namespace wsn::api
