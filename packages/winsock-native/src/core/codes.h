// Winsock numbers shared by the API layer and every backend. Values are Windows' (winsock2.h, winerror.h,
// ntstatus.h) so JS sees exactly what a C++ program on Windows sees.
#pragma once
#include <cstdint>

namespace wsn {

// Errors reported through WSAGetLastError().
constexpr uint32_t kNoError = 0;
constexpr uint32_t WSA_INVALID_HANDLE = 6;
constexpr uint32_t WSA_INVALID_PARAMETER = 87;
constexpr uint32_t WSA_OPERATION_ABORTED = 995;
constexpr uint32_t WSA_IO_INCOMPLETE = 996;
constexpr uint32_t WSA_IO_PENDING = 997;
constexpr uint32_t WSAEINTR = 10004;
constexpr uint32_t WSAEBADF = 10009;
constexpr uint32_t WSAEACCES = 10013;
constexpr uint32_t WSAEFAULT = 10014;
constexpr uint32_t WSAEINVAL = 10022;
constexpr uint32_t WSAEMFILE = 10024;
constexpr uint32_t WSAEWOULDBLOCK = 10035;
constexpr uint32_t WSAEINPROGRESS = 10036;
constexpr uint32_t WSAEALREADY = 10037;
constexpr uint32_t WSAENOTSOCK = 10038;
constexpr uint32_t WSAEDESTADDRREQ = 10039;
constexpr uint32_t WSAEMSGSIZE = 10040;
constexpr uint32_t WSAEPROTOTYPE = 10041;
constexpr uint32_t WSAENOPROTOOPT = 10042;
constexpr uint32_t WSAEPROTONOSUPPORT = 10043;
constexpr uint32_t WSAESOCKTNOSUPPORT = 10044;
constexpr uint32_t WSAEOPNOTSUPP = 10045;
constexpr uint32_t WSAEAFNOSUPPORT = 10047;
constexpr uint32_t WSAEADDRINUSE = 10048;
constexpr uint32_t WSAEADDRNOTAVAIL = 10049;
constexpr uint32_t WSAENETDOWN = 10050;
constexpr uint32_t WSAENETUNREACH = 10051;
constexpr uint32_t WSAENETRESET = 10052;
constexpr uint32_t WSAECONNABORTED = 10053;
constexpr uint32_t WSAECONNRESET = 10054;
constexpr uint32_t WSAENOBUFS = 10055;
constexpr uint32_t WSAEISCONN = 10056;
constexpr uint32_t WSAENOTCONN = 10057;
constexpr uint32_t WSAESHUTDOWN = 10058;
constexpr uint32_t WSAETIMEDOUT = 10060;
constexpr uint32_t WSAECONNREFUSED = 10061;
constexpr uint32_t WSAEHOSTUNREACH = 10065;
constexpr uint32_t WSAVERNOTSUPPORTED = 10092;
constexpr uint32_t WSANOTINITIALISED = 10093;

// NTSTATUS values that OVERLAPPED.Internal holds.
constexpr uint32_t STATUS_SUCCESS = 0;
constexpr uint32_t STATUS_PENDING = 0x103;
constexpr uint32_t STATUS_UNSUCCESSFUL = 0xC0000001;
constexpr uint32_t STATUS_CANCELLED = 0xC0000120;
constexpr uint32_t STATUS_CONNECTION_RESET = 0xC000020D;
constexpr uint32_t STATUS_CONNECTION_ABORTED = 0xC0000241;
constexpr uint32_t STATUS_CONNECTION_REFUSED = 0xC0000236;

// Wait results.
constexpr uint32_t WSA_WAIT_EVENT_0 = 0;
constexpr uint32_t WAIT_IO_COMPLETION = 192;
constexpr uint32_t WSA_WAIT_TIMEOUT = 258;
constexpr uint32_t WSA_WAIT_FAILED = 0xFFFFFFFF;
constexpr uint32_t WSA_INFINITE = 0xFFFFFFFF;
constexpr uint32_t WSA_MAXIMUM_WAIT_EVENTS = 64;

// WSAEventSelect network events.
constexpr uint32_t FD_READ = 1, FD_WRITE = 2, FD_OOB = 4, FD_ACCEPT = 8, FD_CONNECT = 16, FD_CLOSE = 32;
constexpr int FD_READ_BIT = 0, FD_WRITE_BIT = 1, FD_ACCEPT_BIT = 3, FD_CONNECT_BIT = 4, FD_CLOSE_BIT = 5;
constexpr int FD_MAX_EVENTS = 10;

// Socket options, Windows numbering.
constexpr int WS_SOL_SOCKET = 0xffff;
constexpr int WS_IPPROTO_TCP = 6;
constexpr int WS_IPPROTO_UDP = 17;
constexpr int WS_SO_REUSEADDR = 4;
constexpr int WS_SO_KEEPALIVE = 8;
constexpr int WS_SO_LINGER = 0x80;
constexpr int WS_SO_SNDBUF = 0x1001;
constexpr int WS_SO_RCVBUF = 0x1002;
constexpr int WS_SO_ERROR = 0x1007;
constexpr int WS_SO_TYPE = 0x1008;
constexpr int WS_TCP_NODELAY = 1;
constexpr int WS_SO_UPDATE_ACCEPT_CONTEXT = 0x700B;   // optval: the listening socket
constexpr int WS_SO_UPDATE_CONNECT_CONTEXT = 0x7010;  // no optval

constexpr int WS_AF_INET = 2;
constexpr int WS_SOCK_STREAM = 1;
constexpr int WS_SOCK_DGRAM = 2;
constexpr uint32_t WS_FIONBIO = 0x8004667e;
constexpr uint32_t WS_FIONREAD = 0x4004667f;
constexpr uint32_t WS_MSG_OOB = 1, WS_MSG_PEEK = 2;

// Handles (SOCKET, WSAEVENT) come from one counter: never 0 (WSA_INVALID_EVENT), never reused.
constexpr uint32_t kFirstHandle = 0x100;
constexpr uint32_t kHandleStep = 4;

// The OVERLAPPED.Internal status that a completion with `wsaError` leaves behind.
uint32_t NtStatusFromWsaError(uint32_t wsaError);

}  // namespace wsn
