// The Linux readiness reactor: one I/O thread, epoll edge-triggered, every socket registered once for
// read + write + hang-up (no re-arm per operation), an eventfd to stop the thread.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <mutex>
#include <thread>

#include "backend/posix/reactor.h"

namespace wsn::posix::reactor {

namespace {

constexpr uint64_t kStopToken = 0;  // never a handle: handles start at kFirstHandle
constexpr int kBatch = 256;

struct Reactor {
  std::mutex mutex;  // guards the fields below
  int users = 0;
  int epollFd = -1;
  int stopFd = -1;
  std::thread thread;
};

Reactor& Instance() {
  static Reactor* reactor = new Reactor();  // never destroyed: see Sync()
  return *reactor;
}

uint32_t ReadyBits(uint32_t epollEvents) {
  uint32_t bits = 0;
  if (epollEvents & EPOLLIN) bits |= kReadable;
  if (epollEvents & EPOLLOUT) bits |= kWritable;
  if (epollEvents & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) bits |= kHangup;
  return bits;
}

void Run(int epollFd) {
  epoll_event events[kBatch];
  for (;;) {
    int count = epoll_wait(epollFd, events, kBatch, -1);
    if (count < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < count; i++) {
      if (events[i].data.u64 == kStopToken) return;
      OnSocketReady(static_cast<uint32_t>(events[i].data.u64), ReadyBits(events[i].events));
    }
  }
}

}  // namespace

void Acquire() {
  Reactor& reactor = Instance();
  std::lock_guard<std::mutex> lock(reactor.mutex);
  if (reactor.users++ > 0) return;
  reactor.epollFd = epoll_create1(EPOLL_CLOEXEC);
  reactor.stopFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event stop{};
  stop.events = EPOLLIN;
  stop.data.u64 = kStopToken;
  epoll_ctl(reactor.epollFd, EPOLL_CTL_ADD, reactor.stopFd, &stop);
  reactor.thread = std::thread(Run, reactor.epollFd);
}

void Release() {
  Reactor& reactor = Instance();
  std::thread thread;
  int stopFd, epollFd;
  {
    std::lock_guard<std::mutex> lock(reactor.mutex);
    if (--reactor.users > 0) return;
    thread = std::move(reactor.thread);
    stopFd = reactor.stopFd;
    epollFd = reactor.epollFd;
    reactor.stopFd = reactor.epollFd = -1;
  }
  // Joined without the mutex: the I/O thread may be waiting for a socket lock whose holder is about to
  // Unregister (which needs the mutex).
  uint64_t one = 1;
  ssize_t written = write(stopFd, &one, sizeof(one));
  (void)written;  // an eventfd write of 1 cannot fail short of a bug
  thread.join();
  close(stopFd);
  close(epollFd);
}

void Register(int fd, uint32_t handle) {
  Reactor& reactor = Instance();
  std::lock_guard<std::mutex> lock(reactor.mutex);
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.u64 = handle;
  epoll_ctl(reactor.epollFd, EPOLL_CTL_ADD, fd, &event);
}

void Unregister(int fd) {
  Reactor& reactor = Instance();
  std::lock_guard<std::mutex> lock(reactor.mutex);
  epoll_ctl(reactor.epollFd, EPOLL_CTL_DEL, fd, nullptr);
}

}  // namespace wsn::posix::reactor
