// WSAEventSelect / WSAEnumNetworkEvents and the network-event record they share with the engine's drains.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <cstring>

#include "backend/posix/socket.h"
#include "backend/posix/sync.h"

namespace wsn::posix {

void RecordNetworkEvent(Socket& socket, int bit, uint32_t error) {
  if ((socket.selectMask & (1u << bit)) == 0) return;
  socket.recordedEvents |= 1u << bit;
  socket.eventErrors[bit] = static_cast<int32_t>(error);
  if (socket.selectEvent == 0) return;
  SyncLock lock;
  SetEventLocked(socket.selectEvent);
}

// FD_CLOSE's error: a FIN leaves the connection in CLOSE_WAIT (graceful), an RST leaves it CLOSED.
// TCP_INFO is used because reading SO_ERROR would steal the error from the next receive.
static uint32_t CloseError(int fd) {
  tcp_info info{};
  socklen_t length = sizeof(info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) < 0) return WSAECONNABORTED;
  return info.tcpi_state == TCP_CLOSE ? WSAECONNRESET : kNoError;
}

// Connections waiting in a listener's accept queue (TCP_INFO reports the accept backlog of a listener there).
static uint32_t QueuedConnections(int fd) {
  tcp_info info{};
  socklen_t length = sizeof(info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) < 0) return 0;
  return info.tcpi_unacked;
}

// Windows records each network event once and then holds it back until the event's re-enabling call:
// FD_READ after a receive, FD_ACCEPT after accept(), FD_WRITE after a send that failed with WSAEWOULDBLOCK.
// In event mode a new arrival (more data, another connection) records FD_READ / FD_ACCEPT again even without
// that call. A WSAEventSelect does not re-enable anything by itself (wine dlls/ws2_32/tests/sock.c,
// test_accept_events, test_connect_events, test_write_events, test_read_events, test_close_events).
void RecordCurrentReadiness(Socket& socket) {
  if (socket.selectMask == 0 || socket.closed) return;
  // FD_CONNECT holds from the moment connect() establishes the connection until it is recorded once, so a
  // WSAEventSelect that comes after the connection still reports it (never for a socket from accept()).
  if (socket.connectDue && socket.connect == ConnectState::Connected && (socket.selectMask & FD_CONNECT)) {
    socket.connectDue = false;
    RecordNetworkEvent(socket, FD_CONNECT_BIT, kNoError);
  }
  pollfd entry{socket.fd, POLLIN | POLLOUT | POLLRDHUP, 0};
  if (poll(&entry, 1, 0) < 0) return;
  if (socket.listening) {
    const uint32_t queued = (entry.revents & POLLIN) ? QueuedConnections(socket.fd) : 0;
    const bool arrived = queued > socket.acceptSeen;
    socket.acceptSeen = queued;
    if ((entry.revents & POLLIN) && (!socket.acceptReported || arrived) && (socket.selectMask & FD_ACCEPT)) {
      socket.acceptReported = true;
      RecordNetworkEvent(socket, FD_ACCEPT_BIT, kNoError);
    }
    return;
  }
  if (socket.connect != ConnectState::Connected) return;
  int available = 0;
  if (!(entry.revents & POLLIN) || ioctl(socket.fd, FIONREAD, &available) < 0) available = 0;
  const bool arrived = static_cast<uint32_t>(available) > socket.readSeen;
  socket.readSeen = static_cast<uint32_t>(available);
  if (available > 0 && (!socket.readReported || arrived) && (socket.selectMask & FD_READ)) {
    socket.readReported = true;
    RecordNetworkEvent(socket, FD_READ_BIT, kNoError);
  }
  if ((entry.revents & POLLOUT) && socket.writeArmed && (socket.selectMask & FD_WRITE)) {
    socket.writeArmed = false;
    RecordNetworkEvent(socket, FD_WRITE_BIT, kNoError);
  }
  if ((entry.revents & (POLLRDHUP | POLLHUP)) && !socket.closeRecorded && (socket.selectMask & FD_CLOSE)) {
    socket.closeRecorded = true;
    RecordNetworkEvent(socket, FD_CLOSE_BIT, CloseError(socket.fd));
  }
}

// A receive attempt re-enables FD_READ: recorded again at once if data remains.
void ReenableRead(Socket& socket) {
  socket.readReported = false;
  RecordCurrentReadiness(socket);
}

// Events a new association drops from the record before anyone enumerated them were never reported: they
// become due again, so the new association records them if their condition still holds.
static void ReenableUnreported(Socket& socket) {
  const uint32_t dropped = socket.recordedEvents;
  if (dropped & FD_READ) socket.readReported = false;
  if (dropped & FD_ACCEPT) socket.acceptReported = false;
  if (dropped & FD_WRITE) socket.writeArmed = true;
  if ((dropped & FD_CONNECT) && socket.eventErrors[FD_CONNECT_BIT] == 0) socket.connectDue = true;
  if (dropped & FD_CLOSE) socket.closeRecorded = false;
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

static bool EventExists(uint32_t event) {
  SyncLock lock;
  return Sync().events.count(event) == 1;
}

uint32_t EventSelect(uint32_t s, uint32_t event, uint32_t networkEvents) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  if (networkEvents != 0 && !EventExists(event)) return WSAEINVAL;
  std::lock_guard<std::mutex> lock(socket->mutex);
  // A new association replaces the old one and clears the record; the socket becomes non-blocking. What was
  // already reported stays held back until its re-enabling call: selecting again reports nothing new.
  ReenableUnreported(*socket);
  socket->selectEvent = event;
  socket->selectMask = networkEvents;
  socket->recordedEvents = 0;
  std::memset(socket->eventErrors, 0, sizeof(socket->eventErrors));
  socket->nonBlocking = true;
  ResolveConnect(*socket);
  // Conditions that already hold (a queued connection, unread data, ...) are signalled at once.
  RecordCurrentReadiness(*socket);
  return kNoError;
}

uint32_t EnumNetworkEvents(uint32_t s, uint32_t event, uint32_t* networkEvents, int32_t errors[FD_MAX_EVENTS]) {
  uint32_t error;
  SocketPtr socket = FindSocket(s, &error);
  if (!socket) return error;
  if (event != 0 && !EventExists(event)) return WSAEINVAL;
  std::lock_guard<std::mutex> lock(socket->mutex);
  *networkEvents = socket->recordedEvents;
  std::memcpy(errors, socket->eventErrors, sizeof(socket->eventErrors));
  socket->recordedEvents = 0;
  std::memset(socket->eventErrors, 0, sizeof(socket->eventErrors));
  if (event != 0) ResetEvent(event);
  return kNoError;
}

}  // namespace wsn::backend
