// What the posix emulation needs from a platform readiness reactor (linux: epoll). The reactor runs one I/O
// thread for the whole process and calls OnSocketReady for every readiness edge of a registered socket.
#pragma once
#include <cstdint>

namespace wsn::posix {

namespace reactor {
void Acquire();  // one per env that creates sockets; the first starts the I/O thread
void Release();  // the last stops and joins it
void Register(int fd, uint32_t handle);  // once per socket, edge-triggered, read+write+hang-up
void Unregister(int fd);
}  // namespace reactor

// Implemented by the emulation (readiness.cc); called on the I/O thread.
void OnSocketReady(uint32_t handle, uint32_t readyEvents);

// Readiness bits passed to OnSocketReady.
constexpr uint32_t kReadable = 1, kWritable = 2, kHangup = 4;

}  // namespace wsn::posix
