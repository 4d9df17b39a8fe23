// AcceptEx, ConnectEx, DisconnectEx and GetAcceptExSockaddrs - the real Microsoft extension functions, looked up
// once through WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) - and CancelIo / CancelIoEx.
#include <cstring>

#include "backend/win/win.h"

namespace wsn::win {

namespace {

struct Extensions {
  LPFN_ACCEPTEX acceptEx = nullptr;
  LPFN_CONNECTEX connectEx = nullptr;
  LPFN_DISCONNECTEX disconnectEx = nullptr;
  LPFN_GETACCEPTEXSOCKADDRS getAcceptExSockaddrs = nullptr;
  bool loaded = false;
};

template <typename F>
bool Lookup(SOCKET s, GUID id, F* function) {
  DWORD bytes = 0;
  return WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id), function, sizeof(*function), &bytes,
                  nullptr, nullptr) == 0;
}

// The functions of the TCP/IP provider (every socket of this addon is one), asked of `s`, or of a socket made
// for the purpose when `s` cannot answer.
const Extensions& LoadExtensions(SOCKET s) {
  static std::mutex mutex;
  static Extensions extensions;
  std::lock_guard<std::mutex> lock(mutex);
  if (extensions.loaded) return extensions;
  auto load = [](SOCKET from) {
    return Lookup(from, WSAID_ACCEPTEX, &extensions.acceptEx) && Lookup(from, WSAID_CONNECTEX, &extensions.connectEx) &&
           Lookup(from, WSAID_DISCONNECTEX, &extensions.disconnectEx) &&
           Lookup(from, WSAID_GETACCEPTEXSOCKADDRS, &extensions.getAcceptExSockaddrs);
  };
  bool ok = s != INVALID_SOCKET && load(s);
  if (!ok) {
    SOCKET probe = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED);
    if (probe != INVALID_SOCKET) {
      ok = load(probe);
      closesocket(probe);
    }
  }
  extensions.loaded = ok;
  return extensions;
}

}  // namespace

bool IssueExtension(SOCKET s, Operation* op, WSAOVERLAPPED* overlapped, DWORD* bytes, uint32_t* error) {
  const Extensions& ext = LoadExtensions(s);
  BOOL ok = FALSE;
  WSASetLastError(0);
  switch (op->kind) {
    case OpKind::Accept: {
      if (ext.acceptEx == nullptr) break;
      void* buffer = op->slices.empty() ? nullptr : op->slices[0].base;
      const ExtensionArgs& args = op->extension;
      ok = ext.acceptEx(s, ToSocket(args.acceptSocket), buffer, args.receiveLength, args.localLength,
                        args.remoteLength, bytes, overlapped);
      break;
    }
    case OpKind::Connect: {
      if (ext.connectEx == nullptr) break;
      sockaddr_in name{};
      name.sin_family = AF_INET;
      name.sin_port = op->extension.port;
      name.sin_addr.s_addr = op->extension.address;
      void* data = op->slices.empty() ? nullptr : op->slices[0].base;
      const DWORD length = op->slices.empty() ? 0 : static_cast<DWORD>(op->slices[0].len);
      ok = ext.connectEx(s, reinterpret_cast<const sockaddr*>(&name), sizeof(name), data, length, bytes, overlapped);
      break;
    }
    case OpKind::Disconnect:
      if (ext.disconnectEx == nullptr) break;
      ok = ext.disconnectEx(s, overlapped, op->extension.flags, 0);
      break;
    default:
      *error = WSAEINVAL;
      return false;
  }
  if (ok) return true;
  *error = LastWsaError();
  if (*error == kNoError) *error = WSAEOPNOTSUPP;  // no provider function: cannot happen with TCP/IP
  return false;
}

}  // namespace wsn::win

namespace wsn::backend {
using namespace wsn::win;

void AcceptExSockaddrs(const uint8_t* buffer, uint32_t receiveLength, uint32_t localLength, uint32_t remoteLength,
                       SockAddrIn* local, SockAddrIn* remote) {
  *local = SockAddrIn();
  *remote = SockAddrIn();
  const Extensions& ext = LoadExtensions(INVALID_SOCKET);
  if (ext.getAcceptExSockaddrs == nullptr) return;
  sockaddr* localName = nullptr;
  sockaddr* remoteName = nullptr;
  INT localSize = 0, remoteSize = 0;
  ext.getAcceptExSockaddrs(const_cast<uint8_t*>(buffer), receiveLength, localLength, remoteLength, &localName,
                           &localSize, &remoteName, &remoteSize);
  auto convert = [](const sockaddr* name, INT size, SockAddrIn* out) {
    if (name == nullptr || size < static_cast<INT>(sizeof(sockaddr_in))) return;
    sockaddr_in native;
    std::memcpy(&native, name, sizeof(native));  // it points into the caller's buffer: no alignment promised
    out->family = native.sin_family;
    out->port = native.sin_port;
    out->address = native.sin_addr.s_addr;
  };
  convert(localName, localSize, local);
  convert(remoteName, remoteSize, remote);
}

uint32_t CancelIo(uint32_t s, const OverlappedState* only, EnvState* issuer) {
  if (uint32_t error = CheckStarted()) return error;
  const SOCKET socket = ToSocket(s);
  const HANDLE handle = reinterpret_cast<HANDLE>(socket);
  std::lock_guard<std::mutex> lock(Win().mutex);
  // Under the lock, so no operation can finish and its OVERLAPPED be reused between lookup and cancel.
  WinOp* target = nullptr;
  bool any = false;
  for (auto& entry : Win().envs) {
    if (issuer != nullptr && entry.first != issuer) continue;
    for (WinOp* w : entry.second.pending) {
      if (OperationSocket(w) != socket) continue;
      any = true;
      if (only != nullptr && OperationOf(w)->state == only) target = w;
    }
  }
  if (only == nullptr && issuer != nullptr) {
    // CancelIo succeeds with nothing to cancel too (Windows and Wine alike); on the JS thread, which issued
    // every operation of this env.
    return ::CancelIo(handle) ? 0 : GetLastError();
  }
  if (only != nullptr ? target == nullptr : !any) {
    // Nothing of ours pending. The kernel still says whether the handle is one: ERROR_NOT_FOUND for an
    // OVERLAPPED it never saw, ERROR_INVALID_HANDLE for no handle. (Wine's CancelIoEx(s, NULL) succeeds with
    // nothing to cancel, where Windows fails with ERROR_NOT_FOUND: asking for an OVERLAPPED gives both the same.)
    OVERLAPPED unknown{};
    if (CancelIoEx(handle, &unknown)) return 0;
    return GetLastError();
  }
  BOOL ok;
  if (only != nullptr) {
    ok = CancelIoEx(handle, OperationOverlapped(target));
  } else {
    ok = CancelIoEx(handle, nullptr);
  }
  return ok ? 0 : GetLastError();
}

}  // namespace wsn::backend
