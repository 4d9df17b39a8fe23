// The io_uring engine's entry points in a build without liburing (it was not installed when the addon was
// built): the ring is never chosen, and every socket moves its data on readiness (the epoll engine).
#include "backend/linux/engine_state.h"

namespace wsn::posix {

void RingDeleter::operator()(Ring*) const {}

bool ProbeRing(std::string* why) {
  *why = "this build of the addon has no io_uring engine (liburing-dev was not installed when it was built)";
  return false;
}

RingPtr CreateRing(int, std::string* error) {
  ProbeRing(error);
  return nullptr;
}

int ReapRingLocked(Engine&, int) { return 0; }
void SubmitDeferred(Engine&) {}
bool KernelTransfers(const Socket&) { return false; }
void SubmitQueueHeadsLocked(Socket&) {}
size_t CancelKernelHeldLocked(Socket&, std::vector<Operation*>*, uint32_t) { return 0; }
size_t CancelKernelHeldLocked(Socket&, std::deque<Operation*>*, uint32_t) { return 0; }
void SubmitBeforeFdChangeLocked(Socket&) {}

}  // namespace wsn::posix
