// Which engine this process runs (backend/posix/engine.h), chosen once, at the first load of the addon:
// io_uring where the kernel allows it, epoll otherwise; OVERLAPPED_BACKEND=epoll|io_uring forces one. Forcing
// io_uring where it cannot start is an error at load, never a silent fallback.
#include <cstdlib>
#include <string>

#include "backend/linux/engine_choice.h"
#include "backend/backend.h"
#include "backend/linux/ring.h"

namespace wsn::posix {

namespace {

EngineChoice Choose() {
  const char* forced = std::getenv("OVERLAPPED_BACKEND");
  const std::string wanted = forced == nullptr ? "" : forced;
  if (wanted == "epoll") return {false, "forced by OVERLAPPED_BACKEND=epoll", ""};
  if (!wanted.empty() && wanted != "io_uring") {
    return {false, "", "OVERLAPPED_BACKEND=" + wanted + " is not an engine: use epoll or io_uring (or leave it unset)"};
  }
  std::string why;
  const bool usable = ProbeRing(&why);
  if (wanted == "io_uring") {
    if (usable) return {true, "forced by OVERLAPPED_BACKEND=io_uring; " + why, ""};
    return {false, "", "OVERLAPPED_BACKEND=io_uring, but io_uring cannot run here: " + why +
                           ". Unset it (or set OVERLAPPED_BACKEND=epoll) to run on epoll."};
  }
  if (usable) return {true, why, ""};
  return {false, "io_uring refused, so epoll: " + why, ""};
}

}  // namespace

const EngineChoice& ChosenEngine() {
  static const EngineChoice choice = Choose();  // thread-safe, once per process: workers get the same engine
  return choice;
}

}  // namespace wsn::posix

namespace wsn::backend {

EngineInfo DescribeEngine() {
  const posix::EngineChoice& choice = posix::ChosenEngine();
  return {choice.ring ? "io_uring" : "epoll", choice.reason};
}

}  // namespace wsn::backend
