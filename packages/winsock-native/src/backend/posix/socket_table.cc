// The process-wide SOCKET table and socket creation / closing.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <unordered_map>

#include "backend/posix/errno_map.h"
#include "backend/posix/socket.h"
#include "backend/posix/socket_io.h"
#include "backend/posix/sync.h"
#include "core/env_state.h"

namespace wsn::posix {

namespace {
struct SocketTable {
  std::mutex mutex;
  std::unordered_map<uint32_t, SocketPtr> sockets;
};
SocketTable& Table() {
  static SocketTable* table = new SocketTable();  // never destroyed: see Sync()
  return *table;
}
std::atomic<int> startupCount{0};
}  // namespace

bool Started() { return startupCount.load(std::memory_order_relaxed) > 0; }

SocketPtr FindSocket(uint32_t handle) {
  std::lock_guard<std::mutex> lock(Table().mutex);
  auto it = Table().sockets.find(handle);
  return it == Table().sockets.end() ? nullptr : it->second;
}

SocketPtr FindSocket(uint32_t handle, uint32_t* error) {
  if (!Started()) {
    *error = WSANOTINITIALISED;
    return nullptr;
  }
  SocketPtr socket = FindSocket(handle);
  if (!socket) *error = WSAENOTSOCK;
  return socket;
}

SocketPtr AddSocket(EnvState* env, int fd) {
  auto socket = std::make_shared<Socket>(NextHandle(), fd, env, EngineOf(env));
  {
    std::lock_guard<std::mutex> lock(Table().mutex);
    Table().sockets.emplace(socket->handle, socket);
  }
  RegisterSocket(*socket);
  return socket;
}

size_t SocketCount() {
  std::lock_guard<std::mutex> lock(Table().mutex);
  return Table().sockets.size();
}

SocketPtr RemoveSocket(uint32_t handle) {
  std::lock_guard<std::mutex> lock(Table().mutex);
  auto it = Table().sockets.find(handle);
  if (it == Table().sockets.end()) return nullptr;
  SocketPtr socket = std::move(it->second);
  Table().sockets.erase(it);
  return socket;
}

std::vector<SocketPtr> AllSockets() {
  std::lock_guard<std::mutex> lock(Table().mutex);
  std::vector<SocketPtr> all;
  all.reserve(Table().sockets.size());
  for (auto& entry : Table().sockets) all.push_back(entry.second);
  return all;
}

void CloseRemovedSocket(Socket& socket, std::deque<Operation*>* aborted) {
  UnregisterSocket(socket);  // before the socket lock: a drain takes the engine's lock first
  std::lock_guard<std::mutex> lock(socket.mutex);
  if (socket.closed) return;
  socket.closed = true;
  const size_t before = aborted->size();
  socket.readQueue.TakeAll(aborted);
  socket.writeQueue.TakeAll(aborted);
  socket.acceptQueue.TakeAll(aborted);
  for (size_t i = before; i < aborted->size(); i++) BindToPortLocked(socket, (*aborted)[i]);
  CancelKernelHeldLocked(socket, aborted, 0);
  SubmitBeforeFdChangeLocked(socket);
  close(socket.fd);  // SO_LINGER {1, 0} makes this send an RST, as on Windows
}

void WaitForFd(int fd, short events) {
  EnvState* self = CurrentEnv();
  for (;;) {
    pollfd entry{fd, events, 0};
    if (poll(&entry, 1, 0) > 0) return;
    if (self == nullptr) {
      while (poll(&entry, 1, -1) < 0 && errno == EINTR) {
      }
      return;
    }
    if (!DriveEngines(self)) SleepUntilActivity(self, fd, events, false, -1);
  }
}

}  // namespace wsn::posix

namespace wsn::backend {
using namespace wsn::posix;

uint32_t Startup() {
  startupCount.fetch_add(1);
  return kNoError;
}

uint32_t Cleanup() {
  int count = startupCount.load();
  while (count > 0 && !startupCount.compare_exchange_weak(count, count - 1)) {
  }
  return count > 0 ? kNoError : WSANOTINITIALISED;
}

uint32_t CreateSocket(EnvState* env, int af, int type, int protocol, uint32_t* handle) {
  if (!Started()) return WSANOTINITIALISED;
  if (af != WS_AF_INET) return WSAEAFNOSUPPORT;
  // Stream sockets only: the emulation's receive/send semantics are TCP's.
  if (type != WS_SOCK_STREAM) return WSAESOCKTNOSUPPORT;
  if (protocol != 0 && protocol != WS_IPPROTO_TCP) return WSAEPROTONOSUPPORT;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return WsaErrorFromErrno(errno);
  *handle = AddSocket(env, fd)->handle;
  return kNoError;
}

uint32_t CloseSocket(uint32_t s) {
  if (!Started()) return WSANOTINITIALISED;
  SocketPtr socket = RemoveSocket(s);
  if (!socket) return WSAENOTSOCK;
  std::deque<Operation*> aborted;
  CloseRemovedSocket(*socket, &aborted);
  AbortAcceptOf(*socket, &aborted);
  for (Operation* op : aborted) {
    op->error = ClosedUnderError(op);
    if (op->kind == OpKind::Accept && op->extension.acceptSocket != s) {
      if (SocketPtr acceptSocket = FindSocket(op->extension.acceptSocket)) {
        std::lock_guard<std::mutex> lock(acceptSocket->mutex);
        acceptSocket->acceptListener = 0;  // free for another AcceptEx
      }
    }
    AnnounceCompletion(op);
  }
  return kNoError;
}

}  // namespace wsn::backend
