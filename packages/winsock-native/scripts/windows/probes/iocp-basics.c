// Completion ports under Wine: hEvent | 1, alertable waits, a port closed under a waiter (Wine 8.0 does not wake it:
// 258 after the full timeout, Windows: 735), CancelIo / CancelIoEx with nothing pending (Wine: TRUE for both;
// Windows: CancelIoEx fails with 1168), closesocket under a pending receive (Wine: STATUS_HANDLES_CLOSED).
// A plain MinGW program, outside the addon: what Wine itself does, for test/conformance/known-differences.json
// and the design notes in src/backend/win/. Build and run (from packages/winsock-native):
//   x86_64-w64-mingw32-gcc-posix -O1 -o build-win/iocp-basics.exe scripts/windows/probes/iocp-basics.c -lws2_32 -lmswsock
//   WINEPREFIX=$PWD/.cache/wine-prefix WINEDEBUG=-all wine build-win/iocp-basics.exe > build-win/iocp-basics.log; cat build-win/iocp-basics.log
#include <winsock2.h>
#include <mswsock.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stdio.h>

static HANDLE g_port;
static DWORD WINAPI closer(void* p) { Sleep(300); printf("closing port\n"); fflush(stdout); CloseHandle(g_port); return 0; }
static VOID NTAPI noop(ULONG_PTR x) {}
static DWORD WINAPI apcer(void* thread) { Sleep(200); QueueUserAPC(noop, (HANDLE)thread, 0); return 0; }

static void pair(SOCKET* a, SOCKET* b, SOCKET* l) {
  struct sockaddr_in addr = {0}; int len = sizeof addr;
  *l = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
  addr.sin_family = AF_INET; addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(*l, (struct sockaddr*)&addr, sizeof addr); listen(*l, 5);
  getsockname(*l, (struct sockaddr*)&addr, &len);
  *a = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
  connect(*a, (struct sockaddr*)&addr, sizeof addr);
  *b = accept(*l, NULL, NULL);
}

int main(void) {
  WSADATA d; WSAStartup(MAKEWORD(2,2), &d);
  setvbuf(stdout, NULL, _IONBF, 0);
  SOCKET a, b, l; pair(&a, &b, &l);
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  HANDLE r = CreateIoCompletionPort((HANDLE)a, port, 7, 0);
  printf("assoc %d\n", r == port);
  HANDLE port2 = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  r = CreateIoCompletionPort((HANDLE)a, port2, 7, 0);
  printf("second assoc r=%p err=%lu\n", r, GetLastError());
  r = CreateIoCompletionPort((HANDLE)a, port, 7, 0);
  printf("same-port re-assoc r=%p err=%lu\n", r, GetLastError());
  printf("SFCNM %d err=%lu\n", SetFileCompletionNotificationModes((HANDLE)b, 1), GetLastError());

  // 1. hEvent|1: no packet
  HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  WSAOVERLAPPED ov = {0}; ov.hEvent = (HANDLE)((ULONG_PTR)ev | 1);
  char buf[16]; WSABUF wb = {sizeof buf, buf}; DWORD bytes = 0, flags = 0;
  int rc = WSARecv(a, &wb, 1, &bytes, &flags, &ov, NULL);
  printf("recv|1 rc=%d err=%d\n", rc, WSAGetLastError());
  send(b, "hi", 2, 0);
  DWORD w = WaitForSingleObject(ev, 2000);
  printf("event wait=%lu internal=%lx high=%lu\n", w, (unsigned long)ov.Internal, (unsigned long)ov.InternalHigh);
  OVERLAPPED_ENTRY ents[4]; ULONG n = 0;
  BOOL ok = GetQueuedCompletionStatusEx(port, ents, 4, &n, 200, FALSE);
  printf("gqcs after |1: ok=%d n=%lu err=%lu\n", ok, n, GetLastError());
  // 1b. without |1: packet
  ResetEvent(ev); memset(&ov, 0, sizeof ov); ov.hEvent = ev;
  rc = WSARecv(a, &wb, 1, &bytes, &flags, &ov, NULL);
  printf("recv rc=%d err=%d\n", rc, WSAGetLastError());
  send(b, "hi", 2, 0);
  ok = GetQueuedCompletionStatusEx(port, ents, 4, &n, 2000, FALSE);
  printf("gqcs plain: ok=%d n=%lu ov=%d bytes=%lu key=%lu\n", ok, n, ents[0].lpOverlapped == &ov, ents[0].dwNumberOfBytesTransferred, (unsigned long)ents[0].lpCompletionKey);

  // 2. alertable + APC
  HANDLE me; DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &me, 0, FALSE, DUPLICATE_SAME_ACCESS);
  CreateThread(NULL, 0, apcer, me, 0, NULL);
  ok = GetQueuedCompletionStatusEx(port, ents, 4, &n, 2000, TRUE);
  printf("gqcs alertable apc: ok=%d err=%lu\n", ok, GetLastError());
  // 2b. packet + APC both pending
  PostQueuedCompletionStatus(port, 5, 9, (LPOVERLAPPED)(ULONG_PTR)0x1234567890ull);
  QueueUserAPC(noop, me, 0);
  ok = GetQueuedCompletionStatusEx(port, ents, 4, &n, 0, TRUE);
  printf("gqcs packet+apc: ok=%d n=%lu ov=%p err=%lu\n", ok, n, ents[0].lpOverlapped, GetLastError());
  SleepEx(0, TRUE);
  // 3. timeout
  ok = GetQueuedCompletionStatusEx(port, ents, 4, &n, 50, FALSE);
  printf("gqcs timeout: ok=%d err=%lu\n", ok, GetLastError());
  // 4. close during wait
  g_port = port2;
  CreateThread(NULL, 0, closer, NULL, 0, NULL);
  DWORD t0 = GetTickCount();
  ok = GetQueuedCompletionStatusEx(port2, ents, 4, &n, 3000, FALSE);
  printf("gqcsex close during wait: ok=%d err=%lu after %lums\n", ok, GetLastError(), GetTickCount() - t0);
  ok = GetQueuedCompletionStatusEx(port2, ents, 4, &n, 0, FALSE);
  printf("gqcsex closed: ok=%d err=%lu\n", ok, GetLastError());
  // 5. cancel io nothing pending
  ok = CancelIoEx((HANDLE)a, NULL);
  printf("CancelIoEx none: ok=%d err=%lu\n", ok, GetLastError());
  ok = CancelIo((HANDLE)a);
  printf("CancelIo none: ok=%d err=%lu\n", ok, GetLastError());
  OVERLAPPED dummy = {0};
  ok = CancelIoEx((HANDLE)a, &dummy);
  printf("CancelIoEx dummy: ok=%d err=%lu\n", ok, GetLastError());
  ok = CancelIoEx((HANDLE)(ULONG_PTR)0x12344, NULL);
  printf("CancelIoEx bad handle: ok=%d err=%lu\n", ok, GetLastError());
  // 6. pending recv, CancelIo
  memset(&ov, 0, sizeof ov); ov.hEvent = ev;
  rc = WSARecv(a, &wb, 1, &bytes, &flags, &ov, NULL);
  ok = CancelIo((HANDLE)a);
  printf("CancelIo pending: ok=%d err=%lu\n", ok, GetLastError());
  ok = GetQueuedCompletionStatusEx(port, ents, 4, &n, 2000, FALSE);
  printf("  packet ok=%d n=%lu internal=%lx\n", ok, n, (unsigned long)ents[0].Internal);
  // 7. closesocket with pending recv on associated socket
  memset(&ov, 0, sizeof ov); ov.hEvent = ev;
  rc = WSARecv(a, &wb, 1, &bytes, &flags, &ov, NULL);
  printf("recv pending rc=%d err=%d\n", rc, WSAGetLastError());
  closesocket(a);
  ok = GetQueuedCompletionStatusEx(port, ents, 4, &n, 2000, FALSE);
  printf("close pending: ok=%d n=%lu internal=%lx\n", ok, n, (unsigned long)ents[0].Internal);
  // 7b. unassociated
  SOCKET c, e, l2; pair(&c, &e, &l2);
  memset(&ov, 0, sizeof ov); ov.hEvent = ev; ResetEvent(ev);
  rc = WSARecv(c, &wb, 1, &bytes, &flags, &ov, NULL);
  closesocket(c);
  w = WaitForSingleObject(ev, 2000);
  printf("unassoc close pending: wait=%lu internal=%lx\n", w, (unsigned long)ov.Internal);
  // 7c. hEvent|1 pending recv, close on associated socket
  SOCKET f, g, l3; pair(&f, &g, &l3);
  CreateIoCompletionPort((HANDLE)f, port, 8, 0);
  memset(&ov, 0, sizeof ov); ov.hEvent = (HANDLE)((ULONG_PTR)ev | 1); ResetEvent(ev);
  rc = WSARecv(f, &wb, 1, &bytes, &flags, &ov, NULL);
  closesocket(f);
  w = WaitForSingleObject(ev, 2000);
  printf("assoc|1 close pending: wait=%lu internal=%lx\n", w, (unsigned long)ov.Internal);
  // 8. LIFO/FIFO
  printf("done\n");
  return 0;
}
