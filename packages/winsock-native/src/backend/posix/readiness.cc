// What a drain does with a readiness edge: the cache learns the socket is ready again, the queue heads are
// completed in order, and WSAEventSelect's record is brought up to date.
#include "backend/posix/socket.h"
#include "backend/posix/socket_io.h"

namespace wsn::posix {

void OnSocketReady(Socket& socket, uint32_t readyEvents) {
  std::lock_guard<std::mutex> lock(socket.mutex);
  if (socket.closed) return;
  // The syscalls decide: an edge read before a state change (say, at registration) can only cost a
  // would-block attempt, never a wrong completion.
  if (readyEvents & kHangup) socket.hangupSeen = true;
  if (readyEvents & (kReadable | kHangup)) {
    socket.readable = true;
    DrainReadQueue(socket);
    if (socket.listening) DrainAcceptQueue(socket);
  }
  if (readyEvents & (kWritable | kHangup)) {
    socket.writable = true;
    DrainWriteQueue(socket);
  }
  ResolveConnect(socket);
  RecordCurrentReadiness(socket);
}

}  // namespace wsn::posix
