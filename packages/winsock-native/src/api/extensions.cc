// AcceptEx, ConnectEx, DisconnectEx and GetAcceptExSockaddrs: the Microsoft extension functions that WSAIoctl
// (SIO_GET_EXTENSION_FUNCTION_POINTER) hands out; lib/extensions.ts does that lookup and holds each call's slot.
#include "api/api.h"
#include "api/marshal.h"
#include "api/overlapped_object.h"
#include "api/overlapped_start.h"
#include "core/env_state.h"

namespace wsn::api {

constexpr uint32_t kMinAddressSlot = 16;  // sizeof(SOCKADDR_IN); Windows asks for 16 more, and accepts fewer

// The overlapped at `index` (required), its state and hEvent. Nullish: *state stays nullptr.
static OverlappedObject* ReadOverlapped(const Arg& arg, uint32_t* event) {
  if (arg.isNullish()) return nullptr;
  OverlappedObject* overlapped = UnwrapOverlapped(arg.info.Env(), arg.value());
  if (overlapped == nullptr) arg.fail("a WSAOVERLAPPED or null");
  Napi::Value hEvent = arg.value().As<Napi::Object>().Get("hEvent");
  *event = hEvent.IsNumber() ? hEvent.As<Napi::Number>().Uint32Value() : 0;
  return overlapped;
}

// Starts `op` on `s` with `overlapped`; returns the BOOL and sets the last error (ERROR_IO_PENDING when pending).
static Napi::Value Start(Napi::Env env, OpKind kind, uint32_t s, OverlappedObject* overlapped, uint32_t event,
                         uint32_t slot, Operation* op, OperationGuard& guard, Napi::Object bytesBox) {
  OverlappedStart start{kind, s, 0, overlapped->state, slot, event, false};
  uint32_t error = StartOverlapped(start, op, guard);
  if (error != kNoError) return Fail(env, error, Napi::Boolean::New(env, false));
  if (!bytesBox.IsEmpty()) SetBox(bytesBox, GetEnvState(env).words[kStartBytes]);
  return Napi::Boolean::New(env, true);
}

// AcceptEx(sListenSocket, sAcceptSocket, lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength,
//          dwRemoteAddressLength, lpdwBytesReceived, lpOverlapped, slot)
static Napi::Value AcceptEx(const Napi::CallbackInfo& info) {
  const char* function = "AcceptEx";
  Napi::Env env = info.Env();
  uint32_t listener = ToUint32({info, function, 0, "sListenSocket"});
  uint32_t accept = ToUint32({info, function, 1, "sAcceptSocket"});
  Arg bufferArg{info, function, 2, "lpOutputBuffer"};
  uint32_t receiveLength = ToUint32({info, function, 3, "dwReceiveDataLength"});
  uint32_t localLength = ToUint32({info, function, 4, "dwLocalAddressLength"});
  uint32_t remoteLength = ToUint32({info, function, 5, "dwRemoteAddressLength"});
  Napi::Object bytesBox = ToBox({info, function, 6, "lpdwBytesReceived"}, true);
  uint32_t event = 0;
  OverlappedObject* overlapped = ReadOverlapped({info, function, 7, "lpOverlapped"}, &event);
  uint32_t slot = ToUint32({info, function, 8, "slot (lib/extensions.ts)"});
  Napi::Boolean failed = Napi::Boolean::New(env, false);
  if (overlapped == nullptr) return Fail(env, ERROR_INVALID_PARAMETER, failed);
  if (bufferArg.isNullish() || localLength == 0 || remoteLength == 0) return Fail(env, WSAEFAULT, failed);
  Operation* op = AcquireOperation(&GetEnvState(env));
  OperationGuard guard(op);
  op->slices.resize(1);
  const uint64_t total = uint64_t{receiveLength} + localLength + remoteLength;
  // The whole output buffer must be there: the addresses are written after the received data.
  if (total > 0xFFFFFFFFu) return Fail(env, WSAEFAULT, failed);
  napi_value backing = nullptr;
  uint32_t error = ReadSlice(bufferArg, bufferArg.value(), static_cast<uint32_t>(total), &op->slices[0], &backing);
  if (error != kNoError) return Fail(env, error, failed);
  if (localLength < kMinAddressSlot || remoteLength < kMinAddressSlot) return Fail(env, WSAEFAULT, failed);
  KeepAttached(env, backing);
  op->slices[0].len = receiveLength;  // the receive part; the address slots follow it
  op->extension.acceptSocket = accept;
  op->extension.receiveLength = receiveLength;
  op->extension.localLength = localLength;
  op->extension.remoteLength = remoteLength;
  return Start(env, OpKind::Accept, listener, overlapped, event, slot, op, guard, bytesBox);
}

// ConnectEx(s, name, namelen, lpSendBuffer, dwSendDataLength, lpdwBytesSent, lpOverlapped, slot)
static Napi::Value ConnectEx(const Napi::CallbackInfo& info) {
  const char* function = "ConnectEx";
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, function, 0, "s"});
  backend::SockAddrIn name = ToSockAddr({info, function, 1, "name"});
  int32_t nameLength = ToInt32({info, function, 2, "namelen"});
  Arg bufferArg{info, function, 3, "lpSendBuffer"};
  uint32_t sendLength = ToUint32({info, function, 4, "dwSendDataLength"});
  Napi::Object bytesBox = ToBox({info, function, 5, "lpdwBytesSent"}, true);
  uint32_t event = 0;
  OverlappedObject* overlapped = ReadOverlapped({info, function, 6, "lpOverlapped"}, &event);
  uint32_t slot = ToUint32({info, function, 7, "slot (lib/extensions.ts)"});
  Napi::Boolean failed = Napi::Boolean::New(env, false);
  if (overlapped == nullptr) return Fail(env, ERROR_INVALID_PARAMETER, failed);
  if (nameLength < static_cast<int32_t>(kSockAddrInSize)) return Fail(env, WSAEFAULT, failed);
  if (name.family != WS_AF_INET) return Fail(env, WSAEAFNOSUPPORT, failed);
  Operation* op = AcquireOperation(&GetEnvState(env));
  OperationGuard guard(op);
  if (!bufferArg.isNullish() && sendLength > 0) {
    op->slices.resize(1);
    napi_value backing = nullptr;
    uint32_t error = ReadSlice(bufferArg, bufferArg.value(), sendLength, &op->slices[0], &backing);
    if (error != kNoError) return Fail(env, error, failed);
    KeepAttached(env, backing);
  }
  op->extension.port = name.port;
  op->extension.address = name.address;
  return Start(env, OpKind::Connect, s, overlapped, event, slot, op, guard, bytesBox);
}

// DisconnectEx(s, lpOverlapped, dwFlags, dwReserved, slot)
static Napi::Value DisconnectEx(const Napi::CallbackInfo& info) {
  const char* function = "DisconnectEx";
  Napi::Env env = info.Env();
  uint32_t s = ToUint32({info, function, 0, "s"});
  uint32_t event = 0;
  OverlappedObject* overlapped = ReadOverlapped({info, function, 1, "lpOverlapped"}, &event);
  uint32_t flags = ToUint32({info, function, 2, "dwFlags"});
  uint32_t reserved = ToUint32({info, function, 3, "dwReserved"});
  uint32_t slot = ToUint32({info, function, 4, "slot (lib/extensions.ts)"});
  Napi::Boolean failed = Napi::Boolean::New(env, false);
  if (reserved != 0 || (flags & ~TF_REUSE_SOCKET) != 0) return Fail(env, WSAEINVAL, failed);
  Operation* op = AcquireOperation(&GetEnvState(env));
  OperationGuard guard(op);
  op->extension.flags = flags;
  if (overlapped != nullptr) return Start(env, OpKind::Disconnect, s, overlapped, event, slot, op, guard, {});
  // Without an OVERLAPPED it is a plain call: done when it returns, nothing announced, no packet.
  OverlappedState scratch;
  op->kind = OpKind::Disconnect;
  op->plain = true;
  op->state = &scratch;
  uint32_t error = kNoError;
  if (backend::StartOperation(s, op, &error) == backend::StartResult::Completed) error = op->error;
  return FailBool(env, error);
}

// GetAcceptExSockaddrs(lpOutputBuffer, dwReceiveDataLength, dwLocalAddressLength, dwRemoteAddressLength,
//                      LocalSockaddr, LocalSockaddrLength, RemoteSockaddr, RemoteSockaddrLength): the SOCKADDR_INs
// are filled in place.
static Napi::Value GetAcceptExSockaddrs(const Napi::CallbackInfo& info) {
  const char* function = "GetAcceptExSockaddrs";
  Napi::Env env = info.Env();
  Arg bufferArg{info, function, 0, "lpOutputBuffer"};
  uint32_t receiveLength = ToUint32({info, function, 1, "dwReceiveDataLength"});
  uint32_t localLength = ToUint32({info, function, 2, "dwLocalAddressLength"});
  uint32_t remoteLength = ToUint32({info, function, 3, "dwRemoteAddressLength"});
  Napi::Object local = ToObject({info, function, 4, "LocalSockaddr"});
  Napi::Object localSize = ToBox({info, function, 5, "LocalSockaddrLength"});
  Napi::Object remote = ToObject({info, function, 6, "RemoteSockaddr"});
  Napi::Object remoteSize = ToBox({info, function, 7, "RemoteSockaddrLength"});
  IoSlice slice;
  const uint64_t total = uint64_t{receiveLength} + localLength + remoteLength;
  if (localLength < kMinAddressSlot || remoteLength < kMinAddressSlot || total > 0xFFFFFFFFu ||
      ReadSlice(bufferArg, bufferArg.value(), static_cast<uint32_t>(total), &slice) != kNoError) {
    bufferArg.fail("the AcceptEx output buffer, with room for the data and both address slots");
  }
  backend::SockAddrIn localName, remoteName;
  backend::AcceptExSockaddrs(static_cast<const uint8_t*>(slice.base), receiveLength, localLength, remoteLength,
                             &localName, &remoteName);
  WriteSockAddr(env, local, localName);
  WriteSockAddr(env, remote, remoteName);
  SetBox(localSize, kSockAddrInSize);
  SetBox(remoteSize, kSockAddrInSize);
  return env.Undefined();
}

void RegisterExtensions(Napi::Env env, Napi::Object exports) {
  Export<AcceptEx>(env, exports, "AcceptEx");
  Export<ConnectEx>(env, exports, "ConnectEx");
  Export<DisconnectEx>(env, exports, "DisconnectEx");
  Export<GetAcceptExSockaddrs>(env, exports, "GetAcceptExSockaddrs");
}

}  // namespace wsn::api
