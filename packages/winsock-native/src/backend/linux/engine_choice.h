// The process's engine choice (engine_choice.cc).
#pragma once
#include <string>

namespace wsn::posix {

struct EngineChoice {
  bool ring = false;    // the io_uring engine; false: epoll
  std::string reason;   // why this engine (getEngine().reason)
  std::string error;    // nonempty: the addon must not load (OVERLAPPED_BACKEND asks for what cannot run)
};

const EngineChoice& ChosenEngine();

}  // namespace wsn::posix
