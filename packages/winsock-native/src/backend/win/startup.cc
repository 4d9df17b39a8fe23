// WSAStartup / WSACleanup. Node itself (libuv) has Winsock started for the whole process, so the real
// reference count never reaches zero while JS runs. To give JS what a C++ program sees - WSANOTINITIALISED
// before WSAStartup and after the last WSACleanup - the addon counts its own startups, and forwards each one to
// the real WSAStartup / WSACleanup so the two counts stay balanced. An extra WSACleanup from JS fails here
// instead of taking away libuv's reference.
#include <atomic>

#include "backend/win/win.h"

namespace wsn::win {

static std::atomic<int> startupCount{0};

uint32_t CheckStarted() { return startupCount.load(std::memory_order_relaxed) > 0 ? kNoError : WSANOTINITIALISED; }

WinState& Win() {
  // Never destroyed: thread-pool callbacks may still run while static destructors run at process exit.
  static WinState* state = new WinState();
  return *state;
}

}  // namespace wsn::win

namespace wsn::backend {
using namespace wsn::win;

uint32_t Startup() {
  WSADATA data;
  int error = WSAStartup(MAKEWORD(2, 2), &data);
  if (error != 0) return static_cast<uint32_t>(error);
  startupCount.fetch_add(1);
  return kNoError;
}

uint32_t Cleanup() {
  int count = startupCount.load();
  do {
    if (count <= 0) return WSANOTINITIALISED;
  } while (!startupCount.compare_exchange_weak(count, count - 1));
  WSACleanup();
  return kNoError;
}

}  // namespace wsn::backend
