// Per-env attach/detach: what a worker's exit or the process's exit must undo, and the env's delivery channel:
// the thread pool and the watcher threads complete operations on their own threads, so batches reach the JS
// thread through a threadsafe function.
#include <chrono>

#include "backend/win/win.h"
#include "core/delivery.h"

namespace wsn::backend {

struct Channel {
  napi_threadsafe_function tsfn = nullptr;  // unreferenced: it keeps the process alive only while async waits pend
};

}  // namespace wsn::backend

namespace wsn {

// Under Win().mutex; thread-safe. One threadsafe call outstanding at most.
void RequestDelivery(EnvState* env) {
  if (!env->alive || env->deliveryDue) return;
  env->deliveryDue = true;
  napi_call_threadsafe_function(env->channel->tsfn, nullptr, napi_tsfn_nonblocking);
}

}  // namespace wsn

namespace wsn::backend {
using namespace wsn::win;

// call_js of the env's threadsafe function: one batch per call, inside the callback scope Node opens for it.
static void DeliverFromChannel(napi_env rawEnv, napi_value, void* context, void*) {
  if (rawEnv == nullptr) return;  // the function is being torn down
  try {
    DeliverBatch(Napi::Env(rawEnv), static_cast<EnvState*>(context));
  } catch (const Napi::Error& error) {
    error.ThrowAsJavaScriptException();  // a worker being terminated: swallowed
  }
}

static void CreateChannel(EnvState* env) {
  env->channel = new Channel();
  napi_value name;
  napi_create_string_utf8(env->env, "winsock-native delivery", NAPI_AUTO_LENGTH, &name);
  NAPI_THROW_IF_FAILED_VOID(env->env,
                            napi_create_threadsafe_function(env->env, nullptr, nullptr, name, 0, 1, nullptr, nullptr,
                                                            env, DeliverFromChannel, &env->channel->tsfn));
  napi_unref_threadsafe_function(env->env, env->channel->tsfn);
}

void SetKeepAlive(EnvState* env, bool alive) {
  if (alive) {
    napi_ref_threadsafe_function(env->env, env->channel->tsfn);
  } else {
    napi_unref_threadsafe_function(env->env, env->channel->tsfn);
  }
}

void CloseChannel(EnvState* env) {
  napi_release_threadsafe_function(env->channel->tsfn, napi_tsfn_abort);
  delete env->channel;
  env->channel = nullptr;
}

// Windows' kernel completes operations by itself: nothing waits to be driven.
void PollCompletions(EnvState*) {}

EngineInfo DescribeEngine() {
  return {"winsock", "Windows: the real Winsock functions and completion ports"};
}

ResourceCounts CountResources() {
  std::lock_guard<std::mutex> lock(Win().mutex);
  ResourceCounts counts;
  counts.sockets = static_cast<uint32_t>(Win().sockets.size());
  counts.events = static_cast<uint32_t>(Win().events.size());
  counts.ports = static_cast<uint32_t>(Win().ports.size());
  counts.portWaiters = static_cast<uint32_t>(PortWaiterCountLocked());
  return counts;
}

void AttachEnv(EnvState* env) {
  CreateChannel(env);
  HANDLE thread = nullptr;
  // GetCurrentThread() is a pseudo-handle meaning "the caller": other threads need a real one for QueueUserAPC.
  DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &thread, 0, FALSE,
                  DUPLICATE_SAME_ACCESS);
  std::lock_guard<std::mutex> lock(Win().mutex);
  Win().envs[env].thread = thread;
}

// How long teardown waits for the kernel to hand back cancelled operations. Cancellation completes promptly;
// if it ever did not, the operations are leaked rather than freed under the kernel.
constexpr auto kDrainLimit = std::chrono::seconds(10);

void DetachEnv(EnvState* env, DeliveryBatch* leftovers) {
  WinState& win = Win();
  std::vector<std::pair<SOCKET, bool>> owned;  // and whether it is associated with a completion port
  {
    std::lock_guard<std::mutex> lock(win.mutex);
    env->alive = false;  // from now on nothing asks for a delivery on this env
    EnvRecord& record = win.envs[env];
    record.detaching = true;
    // Under the lock, so no operation can finish and be reused for another env between lookup and cancel.
    for (WinOp* w : record.pending) CancelIoEx(reinterpret_cast<HANDLE>(OperationSocket(w)), OperationOverlapped(w));
    for (auto it = win.sockets.begin(); it != win.sockets.end();) {
      if (it->second == env) {
        SocketPortPtr socketPort = FindSocketPortLocked(it->first);
        owned.emplace_back(ToSocket(it->first), socketPort && socketPort->port);
        ForgetSocketLocked(it->first);
        it = win.sockets.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Operations that other envs issued on these sockets complete (aborted) on their own envs, as on Windows.
  for (auto& [s, associated] : owned) CancelAndClose(s, associated);

  std::unique_lock<std::mutex> lock(win.mutex);
  EnvRecord& record = win.envs[env];
  win.completionChanged.wait_for(lock, kDrainLimit, [&] { return record.pending.empty(); });
  auto& finished = leftovers->finished;
  finished.insert(finished.end(), record.abandoned.begin(), record.abandoned.end());
  finished.insert(finished.end(), env->routineQueue.begin(), env->routineQueue.end());
  finished.insert(finished.end(), env->finishedQueue.begin(), env->finishedQueue.end());
  record.abandoned.clear();
  env->routineQueue.clear();
  env->finishedQueue.clear();
  for (Waiter* waiter : env->asyncWaiters) {
    StopWatchLocked(waiter);
    ReleaseWaiterLocked(waiter);
  }
  env->asyncWaiters.clear();
  // Its async port waits go (what they held goes back to the port); its packets, wherever they are, lose
  // their issuer.
  DetachPortsLocked(env);
  for (auto it = win.events.begin(); it != win.events.end();) {
    if (it->second == env) {
      WSACloseEvent(ToHandle(it->first));
      it = win.events.erase(it);
    } else {
      ++it;
    }
  }
  if (record.portWake != nullptr) {
    CloseHandle(record.portWake);
    record.portWake = nullptr;
  }
  if (record.pending.empty()) {
    if (record.thread != nullptr) CloseHandle(record.thread);
    win.envs.erase(env);
  }
  // Else the record stays as a tombstone: late completions land in `abandoned` and are never touched again.
}


}  // namespace wsn::backend
