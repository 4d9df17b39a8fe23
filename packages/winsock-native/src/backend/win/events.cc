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

// Reset and close take the lock that completions are announced under. A completion stores its final status and
// sets its event in one critical section, but JS reads the status without that lock: without this, JS could see
// an operation done, reuse its event for the next operation (reset + start), and only then receive the late set
// meant for the previous one - an event signalled for an operation still pending. Closing likewise must not
// slip between the two, or the late set could hit a new object that reused the handle value.
uint32_t CloseEvent(uint32_t handle) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  if (!WSACloseEvent(ToHandle(handle))) return LastWsaError();
  Win().events.erase(handle);
  return kNoError;
}

uint32_t SetEvent(uint32_t handle) { return WSASetEvent(ToHandle(handle)) ? kNoError : LastWsaError(); }

uint32_t ResetEvent(uint32_t handle) {
  std::lock_guard<std::mutex> lock(Win().mutex);
  return WSAResetEvent(ToHandle(handle)) ? kNoError : LastWsaError();
}

}  // namespace wsn::backend
