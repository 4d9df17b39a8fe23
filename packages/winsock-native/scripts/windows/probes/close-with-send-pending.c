// closesocket with a send pending that cannot finish (run with 'a' to associate the socket with a port first): Wine
// 8.0 completes neither the send nor a pending receive (the send only once the peer closes), Windows aborts both.
// A plain MinGW program, outside the addon: what Wine itself does, for test/conformance/known-differences.json
// and the design notes in src/backend/win/. Build and run (from packages/winsock-native):
//   x86_64-w64-mingw32-gcc-posix -O1 -o build-win/close-with-send-pending.exe scripts/windows/probes/close-with-send-pending.c -lws2_32 -lmswsock
//   WINEPREFIX=$PWD/.cache/wine-prefix WINEDEBUG=-all wine build-win/close-with-send-pending.exe > build-win/close-with-send-pending.log; cat build-win/close-with-send-pending.log
#include <winsock2.h>
#include <windows.h>
#include <stdio.h>
static SOCKET sock(void) { return WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED); }
int main(int argc, char** argv) {
  WSADATA d; WSAStartup(MAKEWORD(2,2), &d); setvbuf(stdout, NULL, _IONBF, 0);
  int assoc = argc > 1 && argv[1][0] == 'a';
  struct sockaddr_in a = {0}; int len = sizeof a; a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SOCKET l = sock(); bind(l, (struct sockaddr*)&a, sizeof a); getsockname(l, (struct sockaddr*)&a, &len); listen(l, 5);
  SOCKET c = sock(); connect(c, (struct sockaddr*)&a, sizeof a); SOCKET s = accept(l, NULL, NULL);
  HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
  HANDLE ev1 = CreateEventW(NULL, TRUE, FALSE, NULL), ev2 = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (assoc) CreateIoCompletionPort((HANDLE)s, port, 5, 0);
  static char rb[32]; WSABUF rbuf = {32, rb}; DWORD bytes, flags = 0;
  WSAOVERLAPPED r = {0}; r.hEvent = (HANDLE)((ULONG_PTR)ev1 | 1);
  printf("recv %d %d\n", WSARecv(s, &rbuf, 1, &bytes, &flags, &r, NULL), WSAGetLastError());
  static char big[8 << 20]; WSABUF sbuf = {sizeof big, big};
  WSAOVERLAPPED w = {0}; w.hEvent = (HANDLE)((ULONG_PTR)ev2 | 1);
  printf("send %d %d\n", WSASend(s, &sbuf, 1, &bytes, 0, &w, NULL), WSAGetLastError());
  printf("closesocket %d\n", closesocket(s));
  DWORD w1 = WaitForSingleObject(ev1, 3000), w2 = WaitForSingleObject(ev2, 3000);
  printf("recv event %lu internal %lx; send event %lu internal %lx high %lu\n", w1, (unsigned long)r.Internal, w2, (unsigned long)w.Internal, (unsigned long)w.InternalHigh);
  closesocket(c);
  w2 = WaitForSingleObject(ev2, 3000);
  printf("after the peer closed too: send event %lu internal %lx\n", w2, (unsigned long)w.Internal);
  return 0;
}
