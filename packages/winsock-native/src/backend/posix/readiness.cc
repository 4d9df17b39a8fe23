// What the I/O thread does with a readiness edge.
#include "backend/posix/reactor.h"
#include "backend/posix/socket_io.h"

namespace wsn::posix {

void OnSocketReady(uint32_t handle, uint32_t readyEvents) {
  SocketPtr socket = FindSocket(handle);
  if (!socket) return;  // closed after the edge was read
  std::lock_guard<std::mutex> lock(socket->mutex);
  if (socket->closed) return;
  // The syscalls decide: an edge read before a state change (say, at registration) can only cost a
  // would-block attempt, never a wrong completion.
  if (readyEvents & (kReadable | kHangup)) DrainReadQueue(*socket);
  if (readyEvents & (kWritable | kHangup)) DrainWriteQueue(*socket);
  ResolveConnect(*socket);
  RecordCurrentReadiness(*socket);
}

}  // namespace wsn::posix
