// WSACreateEvent & co: real Winsock event objects (manual-reset, initially not signalled), remembered by owner so
// an env's teardown closes the ones it created.
#include "backend/win/win.h"

namespace wsn::backend {
using namespace wsn::win;

uint32_t CreateEvent(EnvState* env, uint32_t* handle) {
  WSAEVENT event = WSACreateEvent();
  if (event == WSA_INVALID_EVENT) {
    *handle = 0;
    return LastWsaError();
  }
  *handle = FromHandle(reinterpret_cast<uintptr_t>(event));
  std::lock_guard<std::mutex> lock(Win().mutex);
  Win().events[*handle] = env;
  return kNoError;
}

uint32_t CloseEvent(uint32_t handle) {
  if (!WSACloseEvent(ToHandle(handle))) return LastWsaError();
  std::lock_guard<std::mutex> lock(Win().mutex);
  Win().events.erase(handle);
  return kNoError;
}

uint32_t SetEvent(uint32_t handle) { return WSASetEvent(ToHandle(handle)) ? kNoError : LastWsaError(); }

uint32_t ResetEvent(uint32_t handle) { return WSAResetEvent(ToHandle(handle)) ? kNoError : LastWsaError(); }

}  // namespace wsn::backend
