// (a) AcceptEx on a socket that does not listen, (a2) into a connected or a bound accept socket: Wine 8.0 pends
// them all, Windows fails them with WSAEINVAL. (b) DisconnectEx(TF_REUSE_SOCKET), then AcceptEx into the socket:
// Wine 8.0 only shut its sending side down, so sends on it fail with WSAESHUTDOWN. (c) closesocket under a pending
// receive on an associated socket: Wine 8.0 GetLastError() 676 and Internal STATUS_HANDLES_CLOSED, Windows 1236
// and STATUS_CONNECTION_ABORTED.
// A plain MinGW program, outside the addon: what Wine itself does, for test/conformance/known-differences.json
// and the design notes in src/backend/win/. Build and run (from packages/winsock-native):
//   x86_64-w64-mingw32-gcc-posix -O1 -o build-win/acceptex-disconnectex.exe scripts/windows/probes/acceptex-disconnectex.c -lws2_32 -lmswsock
//   WINEPREFIX=$PWD/.cache/wine-prefix WINEDEBUG=-all wine build-win/acceptex-disconnectex.exe > build-win/acceptex-disconnectex.log; cat build-win/acceptex-disconnectex.log
#include <winsock2.h>
#include <mswsock.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>

static LPFN_ACCEPTEX pAcceptEx; static LPFN_DISCONNECTEX pDisconnectEx;
static void load(SOCKET s) {
  GUID a = WSAID_ACCEPTEX, d = WSAID_DISCONNECTEX; DWORD n;
  WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &a, sizeof a, &pAcceptEx, sizeof pAcceptEx, &n, NULL, NULL);
  WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &d, sizeof d, &pDisconnectEx, sizeof pDisconnectEx, &n, NULL, NULL);
}
static SOCKET sock(void) { return WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED); }
static SOCKET bound(struct sockaddr_in* out) {
  SOCKET s = sock(); struct sockaddr_in a = {0}; int len = sizeof a;
  a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, (struct sockaddr*)&a, sizeof a); getsockname(s, (struct sockaddr*)&a, &len); if (out) *out = a; return s;
}
static void wait_packet(HANDLE port, const char* what) {
  DWORD bytes = 0; ULONG_PTR key = 0; LPOVERLAPPED ov = NULL;
  BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, 3000);
  printf("  %s: ok=%d err=%lu bytes=%lu key=%lu internal=%lx\n", what, ok, ok ? 0 : GetLastError(), bytes, (unsigned long)key, ov ? (unsigned long)ov->Internal : 0);
}

int main(void) {
  WSADATA d; WSAStartup(MAKEWORD(2,2), &d); setvbuf(stdout, NULL, _IONBF, 0);
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  struct sockaddr_in laddr; SOCKET listener = bound(&laddr); listen(listener, 5); load(listener);
  CreateIoCompletionPort((HANDLE)listener, port, 1, 0);
  char buf[64]; DWORD bytes; OVERLAPPED ov;

  // (a) AcceptEx on a bound socket that does not listen
  SOCKET notListening = bound(NULL); CreateIoCompletionPort((HANDLE)notListening, port, 0x101, 0);
  SOCKET acceptor = sock();
  memset(&ov, 0, sizeof ov);
  BOOL r = pAcceptEx(notListening, acceptor, buf, 0, 32, 32, &bytes, &ov);
  printf("(a) AcceptEx on a non-listening socket: ret=%d err=%d\n", r, WSAGetLastError());
  // 'wait' to see if anything comes
  { DWORD b; ULONG_PTR k; LPOVERLAPPED o; BOOL ok = GetQueuedCompletionStatus(port, &b, &k, &o, 200); printf("  packet? ok=%d err=%lu o=%p\n", ok, GetLastError(), o); }
  closesocket(notListening);
  { DWORD b; ULONG_PTR k; LPOVERLAPPED o; BOOL ok = GetQueuedCompletionStatus(port, &b, &k, &o, 500); printf("  after closing it: ok=%d err=%lu key=%lu\n", ok, GetLastError(), (unsigned long)k); }
  closesocket(acceptor);
  // (a2) AcceptEx into a connected and into a bound socket
  { SOCKET c = sock(); connect(c, (struct sockaddr*)&laddr, sizeof laddr); SOCKET srv = accept(listener, NULL, NULL);
    memset(&ov, 0, sizeof ov); r = pAcceptEx(listener, c, buf, 0, 32, 32, &bytes, &ov);
    printf("(a2) AcceptEx into a connected socket (client side): ret=%d err=%d\n", r, WSAGetLastError());
    memset(&ov, 0, sizeof ov); r = pAcceptEx(listener, srv, buf, 0, 32, 32, &bytes, &ov);
    printf("     AcceptEx into a connected socket (accepted): ret=%d err=%d\n", r, WSAGetLastError());
    SOCKET b = bound(NULL); memset(&ov, 0, sizeof ov); r = pAcceptEx(listener, b, buf, 0, 32, 32, &bytes, &ov);
    printf("     AcceptEx into a bound socket: ret=%d err=%d\n", r, WSAGetLastError());
    CancelIoEx((HANDLE)listener, NULL);
    { DWORD bb; ULONG_PTR k; LPOVERLAPPED o = NULL; for (;;) { BOOL got = GetQueuedCompletionStatus(port, &bb, &k, &o, 300); if (!got && o == NULL) break; printf("     drained key=%lu err=%lu\n", (unsigned long)k, got ? 0 : GetLastError()); } }
    closesocket(c); closesocket(srv); closesocket(b); }

  // (b) DisconnectEx(TF_REUSE_SOCKET) then AcceptEx into it
  acceptor = sock(); CreateIoCompletionPort((HANDLE)acceptor, port, 2, 0);
  memset(&ov, 0, sizeof ov);
  r = pAcceptEx(listener, acceptor, buf, 0, 32, 32, &bytes, &ov);
  printf("(b) AcceptEx 1: ret=%d err=%d\n", r, WSAGetLastError());
  SOCKET c1 = sock(); connect(c1, (struct sockaddr*)&laddr, sizeof laddr);
  wait_packet(port, "AcceptEx 1");
  SOCKET ls = listener; setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char*)&ls, sizeof ls);
  closesocket(c1);
  WSABUF wb = {sizeof buf, buf}; DWORD flags = 0; memset(&ov, 0, sizeof ov);
  int rc = WSARecv(acceptor, &wb, 1, &bytes, &flags, &ov, NULL);
  printf("  WSARecv eof rc=%d err=%d\n", rc, WSAGetLastError());
  wait_packet(port, "eof");
  memset(&ov, 0, sizeof ov);
  r = pDisconnectEx(acceptor, &ov, TF_REUSE_SOCKET, 0);
  printf("  DisconnectEx(TF_REUSE_SOCKET): ret=%d err=%d\n", r, WSAGetLastError());
  wait_packet(port, "DisconnectEx");
  memset(&ov, 0, sizeof ov);
  r = pAcceptEx(listener, acceptor, buf, 0, 32, 32, &bytes, &ov);
  printf("  AcceptEx into the reused socket: ret=%d err=%d\n", r, WSAGetLastError());
  SOCKET c2 = sock(); connect(c2, (struct sockaddr*)&laddr, sizeof laddr);
  wait_packet(port, "AcceptEx 2");
  setsockopt(acceptor, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char*)&ls, sizeof ls);
  send(c2, "echo me", 7, 0);
  memset(&ov, 0, sizeof ov); flags = 0;
  rc = WSARecv(acceptor, &wb, 1, &bytes, &flags, &ov, NULL);
  printf("  WSARecv on the reused socket rc=%d err=%d\n", rc, WSAGetLastError());
  wait_packet(port, "recv on reused");
  memset(&ov, 0, sizeof ov);
  WSABUF sb = {7, "echo me"};
  rc = WSASend(acceptor, &sb, 1, &bytes, 0, &ov, NULL);
  printf("  WSASend on the reused socket rc=%d err=%d\n", rc, WSAGetLastError());
  rc = send(acceptor, "x", 1, 0);
  printf("  plain send on the reused socket rc=%d err=%d\n", rc, WSAGetLastError());

  // (c) closesocket with a receive pending on an associated socket, GetQueuedCompletionStatus's last error
  SOCKET c3 = sock(); connect(c3, (struct sockaddr*)&laddr, sizeof laddr);
  SOCKET s3 = accept(listener, NULL, NULL);
  CreateIoCompletionPort((HANDLE)s3, port, 3, 0);
  memset(&ov, 0, sizeof ov); flags = 0;
  rc = WSARecv(s3, &wb, 1, &bytes, &flags, &ov, NULL);
  printf("(c) recv pending rc=%d err=%d\n", rc, WSAGetLastError());
  closesocket(s3);
  wait_packet(port, "closesocket under a pending WSARecv");
  printf("done\n");
  return 0;
}
