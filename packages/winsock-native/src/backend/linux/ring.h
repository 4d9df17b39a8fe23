// The io_uring engine's ring (backend/posix/engine.h): one per JS thread, beside its epoll set. Its fd sits in
// the thread's socket set (level-triggered), so everything that waits on the set (the loop's uv_poll, blocking
// waits here and on other threads) wakes for its completions as it does for readiness.
#pragma once
#include <memory>
#include <string>

namespace wsn::posix {

struct Engine;
struct Ring;
struct RingDeleter {
  void operator()(Ring* ring) const;
};
using RingPtr = std::unique_ptr<Ring, RingDeleter>;

// Whether io_uring can run the engine in this process; if not, *why says what refused it.
bool ProbeRing(std::string* why);
// A ring whose fd is added to `socketsFd`; nullptr and *error if the kernel refuses one.
RingPtr CreateRing(int socketsFd, std::string* error);
// With engine.drainMutex held: settles up to `max` of the entries the completion queue holds (the rest keep the
// ring's fd readable for the next round). Returns how many it took.
int ReapRingLocked(Engine& engine, int max);
// Hands the kernel what this thread's turn prepared in its ring: one io_uring_enter per delivery round.
void SubmitDeferred(Engine& engine);

}  // namespace wsn::posix
