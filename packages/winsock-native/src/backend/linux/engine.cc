// The Linux engine (backend/posix/engine.h): per JS thread, an epoll set of that thread's sockets
// (edge-triggered, registered once, never re-armed) and a wake eventfd, both inside an outer epoll fd that the
// thread's libuv loop watches with a uv_poll. A loop turn drains the socket set in batches of kBatch on the JS
// thread itself and runs the delivery batch inline, inside a callback scope, so promise reactions run before
// libuv polls again. On the io_uring engine the set also holds the thread's ring (ring.cc): a drain settles its
// completion queue too, and each delivery round ends by handing the kernel what the round submitted.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <poll.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <vector>

#include "backend/linux/engine_choice.h"
#include "backend/linux/engine_state.h"
#include "backend/linux/ring.h"
#include "backend/posix/socket.h"
#include "backend/posix/sync.h"
#include "core/delivery.h"
#include "core/env_state.h"

namespace wsn::posix {

namespace {

constexpr int kBatch = 128;       // readiness events per epoll_wait, as libuv's uv__io_poll takes them
constexpr int kTurnRounds = 8;    // drain + deliver rounds per loop turn before libuv gets the thread back
constexpr uint64_t kTurnBudgetNs = 4'000'000;  // and at most this long: timers and other I/O keep their time

constexpr uint64_t kHandoverMs = 5;  // how late an operation of a busy thread completes for an async waiter

struct EngineList {
  std::mutex mutex;
  std::vector<EnginePtr> engines;
  std::atomic<size_t> count{0};  // engines.size(), readable without the mutex
};

EngineList& Engines() {
  static EngineList* list = new EngineList();  // never destroyed: see Sync()
  return *list;
}

thread_local EnvState* currentEnv = nullptr;
thread_local std::vector<EnginePtr> deferredWakes;

std::vector<EnginePtr> SnapshotEngines() {
  std::lock_guard<std::mutex> lock(Engines().mutex);
  return Engines().engines;
}

uint32_t ReadyBits(uint32_t epollEvents) {
  uint32_t bits = 0;
  if (epollEvents & EPOLLIN) bits |= kReadable;
  if (epollEvents & EPOLLOUT) bits |= kWritable;
  if (epollEvents & (EPOLLHUP | EPOLLRDHUP | EPOLLERR)) bits |= kHangup;
  return bits;
}

void ConsumeWake(Engine& engine) {
  if (!engine.wakePending.exchange(false, std::memory_order_acq_rel)) return;
  uint64_t count;
  ssize_t bytes = read(engine.wakeFd, &count, sizeof(count));
  (void)bytes;  // EAGAIN: the writer has not written yet; its write will wake us again, harmlessly
}

// What one drain took: readiness events and ring entries; `full`: either came as a whole batch, so more may wait.
struct Drained {
  int handled = 0;
  bool full = false;
};

// With engine.drainMutex held.
Drained DrainLocked(Engine& engine) {
  epoll_event events[kBatch];
  int count;
  do {
    count = epoll_wait(engine.socketsFd, events, kBatch, 0);
  } while (count < 0 && errno == EINTR);
  for (int i = 0; i < count; i++) {
    if (events[i].data.ptr == nullptr) continue;  // the ring: its completion queue is read below
    OnSocketReady(*static_cast<Socket*>(events[i].data.ptr), ReadyBits(events[i].events));
  }
  // After the readiness: an edge for data a receive in the kernel took is followed by that receive's entry,
  // which then leaves the readiness cache as the data left the socket.
  const int reaped = engine.ring ? ReapRingLocked(engine, kBatch) : 0;
  return {std::max(count, 0) + reaped, count == kBatch || reaped == kBatch};
}

Drained Drain(Engine& engine) {
  Drained drained;
  {
    std::lock_guard<std::mutex> lock(engine.drainMutex);
    drained = DrainLocked(engine);
  }
  FlushWakes();
  return drained;
}

bool TryDrain(Engine& engine) {
  std::unique_lock<std::mutex> lock(engine.drainMutex, std::try_to_lock);
  if (!lock.owns_lock()) return false;  // its owner (or another waiter) is draining it right now
  bool handled = DrainLocked(engine).handled > 0;
  lock.unlock();
  FlushWakes();
  return handled;
}

bool DeliveryDue(EnvState* env) {
  SyncLock lock;
  return env->deliveryDue;
}

// One delivery batch inside a callback scope: closing the scope runs the microtasks (promise reactions) the
// batch queued, as Node does after any callback from the loop.
void DeliverInScope(Engine& engine) {
  napi_env env = engine.env->env;
  napi_handle_scope handleScope;
  if (napi_open_handle_scope(env, &handleScope) != napi_ok) return;
  napi_value resource = nullptr;
  napi_get_reference_value(env, engine.resource, &resource);
  napi_callback_scope callbackScope;
  if (resource != nullptr && napi_open_callback_scope(env, resource, engine.asyncContext, &callbackScope) == napi_ok) {
    try {
      DeliverBatch(Napi::Env(env), engine.env);
    } catch (const Napi::Error&) {
      // Only a failing N-API call gets here (a worker being terminated): nothing is left to report to.
    }
    napi_close_callback_scope(env, callbackScope);
  }
  napi_close_handle_scope(env, handleScope);
}

// A loop turn of the engine, on its JS thread.
void Turn(Engine& engine) {
  engine.inTurn = true;
  // After the first round the set is drained again only if the last drain filled a whole batch: readiness that
  // arrived while JS ran keeps the loop's poll readable, so the next loop iteration finds it without a syscall
  // spent here on an empty set (a sparse load would pay one per message).
  bool drain = true;
  const uint64_t start = uv_hrtime();
  for (int round = 0; round < kTurnRounds && uv_hrtime() - start < kTurnBudgetNs; round++) {
    ConsumeWake(engine);
    drain = drain && Drain(engine).full;
    if (DeliveryDue(engine.env)) {
      DeliverInScope(engine);
      SubmitDeferred(engine);  // what the deliveries posted (receives re-posted), in one io_uring_enter
    } else if (!drain) {
      break;
    }
  }
  engine.inTurn = false;
  SubmitDeferred(engine);  // what the last drain submitted (heads behind completed transfers)
  // Work left after the last round waits for the next loop iteration, so timers and other I/O get their turn.
  SyncLock lock;
  if (engine.env->deliveryDue) ScheduleDeliveryLocked(engine.env);
}

// An async waiter here may wait for an operation another thread issued, on a socket of that thread's engine.
// Windows' kernel completes it even while that thread runs JS for seconds; here that thread's engine is drained
// by its own loop and by blocking waits only. So while this thread has async waiters and other engines exist,
// it drains theirs every kHandoverMs (a try-lock: never while their owner drains), and the operations it
// completes reach their own threads as any cross-thread completion does.
void DriveOthers(uv_timer_t* timer) {
  auto* engine = static_cast<Engine*>(timer->data);
  for (const EnginePtr& other : SnapshotEngines()) {
    if (other.get() != engine) TryDrain(*other);
  }
}

// Starts or stops the handover timer to match: async waiters pending, and another engine to drive.
void UpdateHandover(Engine& engine) {
  const bool wanted = engine.keptAlive && Engines().count.load(std::memory_order_relaxed) > 1;
  if (wanted == engine.handoverStarted || engine.handles == nullptr) return;
  engine.handoverStarted = wanted;
  if (wanted) {
    uv_timer_start(&engine.handles->handover, DriveOthers, kHandoverMs, kHandoverMs);
  } else {
    uv_timer_stop(&engine.handles->handover);
  }
}

void OnReadable(uv_poll_t* handle, int, int) {
  auto* engine = static_cast<Engine*>(handle->data);
  UpdateHandover(*engine);  // a worker may have started since (its engine is new)
  Turn(*engine);
}

void OnIdle(uv_idle_t* handle) {
  auto* engine = static_cast<Engine*>(handle->data);
  uv_idle_stop(handle);
  engine->idleStarted = false;
  Turn(*engine);
}

void OnHandleClosed(uv_handle_t* handle) {
  auto* handles = static_cast<LoopHandles*>(handle->data);
  if (--handles->open == 0) delete handles;
}

bool AddToEpoll(int epollFd, int fd, uint32_t events, epoll_data_t data) {
  epoll_event event{};
  event.events = events;
  event.data = data;
  return epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &event) == 0;
}

}  // namespace

EnginePtr EngineOf(EnvState* env) { return env->channel->engine; }

bool IsCurrentThread(const EnvState* env) { return currentEnv == env; }

EnvState* CurrentEnv() { return currentEnv; }

void RegisterSocket(Socket& socket) {
  epoll_data_t data;
  data.ptr = &socket;
  AddToEpoll(socket.engine->socketsFd, socket.fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, data);
}

void ReregisterSocket(Socket& socket) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.ptr = &socket;
  // dup2 closed the file the registration was for, which removed it; a registration that survived is updated.
  if (epoll_ctl(socket.engine->socketsFd, EPOLL_CTL_ADD, socket.fd, &event) < 0 && errno == EEXIST) {
    epoll_ctl(socket.engine->socketsFd, EPOLL_CTL_MOD, socket.fd, &event);
  }
}

void UnregisterSocket(Socket& socket) {
  std::lock_guard<std::mutex> lock(socket.engine->drainMutex);
  epoll_ctl(socket.engine->socketsFd, EPOLL_CTL_DEL, socket.fd, nullptr);
}

void WakeEnvLocked(EnvState* env) {
  const EnginePtr& engine = env->channel->engine;
  if (engine->wakePending.exchange(true, std::memory_order_acq_rel)) return;  // one write per wake-up
  deferredWakes.push_back(engine);
}

void FlushWakes() {
  if (deferredWakes.empty()) return;
  const uint64_t one = 1;
  for (const EnginePtr& engine : deferredWakes) {
    ssize_t bytes = write(engine->wakeFd, &one, sizeof(one));
    (void)bytes;  // an eventfd write of 1 cannot fail short of overflow
  }
  deferredWakes.clear();
}

void ScheduleDeliveryLocked(EnvState* env) {
  Engine& engine = *env->channel->engine;
  if (engine.inTurn || engine.idleStarted || engine.handles == nullptr) return;  // a turn in progress loops again
  engine.idleStarted = true;
  uv_idle_start(&engine.handles->idle, OnIdle);
}

bool DriveEngines(EnvState* self) {
  Engine& own = *self->channel->engine;
  SubmitDeferred(own);  // a blocking wait inside a turn: what the turn submitted must not wait for its end
  ConsumeWake(own);
  bool handled = Drain(own).handled > 0;
  std::vector<EnginePtr> engines = SnapshotEngines();
  for (const EnginePtr& engine : engines) {
    if (engine.get() != &own) handled |= TryDrain(*engine);
  }
  // A wake consumed here may have been for a delivery: run it once the thread is back in its loop.
  SyncLock lock;
  if (self->deliveryDue) ScheduleDeliveryLocked(self);
  return handled;
}

void SleepUntilActivity(EnvState* self, int fd, short events, bool wakeable, int timeoutMs) {
  Engine& own = *self->channel->engine;
  SubmitDeferred(own);
  std::vector<EnginePtr> engines = SnapshotEngines();
  std::vector<pollfd> fds;
  fds.reserve(engines.size() + 1);
  if (fd >= 0) fds.push_back({fd, events, 0});
  fds.push_back({wakeable ? own.outerFd : own.socketsFd, POLLIN, 0});
  for (const EnginePtr& engine : engines) {
    if (engine.get() != &own) fds.push_back({engine->socketsFd, POLLIN, 0});
  }
  while (poll(fds.data(), fds.size(), timeoutMs) < 0 && errno == EINTR) {
  }
}

}  // namespace wsn::posix

namespace wsn {

void RequestDelivery(EnvState* env) {
  if (!env->alive) return;
  env->deliveryDue = true;
  if (posix::IsCurrentThread(env)) {
    posix::ScheduleDeliveryLocked(env);
  } else {
    posix::WakeEnvLocked(env);
  }
}

}  // namespace wsn

namespace wsn::backend {
using namespace wsn::posix;

static void StartEngine(EnvState* env) {
  const EngineChoice& choice = ChosenEngine();
  if (!choice.error.empty()) {
    Napi::Error::New(env->env, "winsock-native: " + choice.error).ThrowAsJavaScriptException();
    return;
  }
  auto engine = std::make_shared<Engine>();
  engine->env = env;
  engine->outerFd = epoll_create1(EPOLL_CLOEXEC);
  engine->socketsFd = epoll_create1(EPOLL_CLOEXEC);
  engine->wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_data_t data{};
  if (engine->outerFd < 0 || engine->socketsFd < 0 || engine->wakeFd < 0 ||
      !AddToEpoll(engine->outerFd, engine->socketsFd, EPOLLIN, data) ||
      !AddToEpoll(engine->outerFd, engine->wakeFd, EPOLLIN, data)) {
    Napi::Error::New(env->env, "winsock-native: cannot create the engine's epoll set (out of file descriptors?)")
        .ThrowAsJavaScriptException();
    return;
  }
  if (choice.ring) {
    std::string error;
    engine->ring = CreateRing(engine->socketsFd, &error);
    if (!engine->ring) {
      Napi::Error::New(env->env, "winsock-native: the io_uring engine cannot start on this thread (" + error +
                                     "); OVERLAPPED_BACKEND=epoll runs the epoll engine instead")
          .ThrowAsJavaScriptException();
      return;
    }
  }
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env->env, &loop);
  engine->handles = new LoopHandles();
  engine->handles->poll.data = engine.get();
  engine->handles->idle.data = engine.get();
  uv_poll_init(loop, &engine->handles->poll, engine->outerFd);
  uv_poll_start(&engine->handles->poll, UV_READABLE, OnReadable);
  uv_unref(reinterpret_cast<uv_handle_t*>(&engine->handles->poll));  // SetKeepAlive refs it while waits pend
  uv_idle_init(loop, &engine->handles->idle);
  uv_unref(reinterpret_cast<uv_handle_t*>(&engine->handles->idle));
  engine->handles->handover.data = engine.get();
  uv_timer_init(loop, &engine->handles->handover);
  uv_unref(reinterpret_cast<uv_handle_t*>(&engine->handles->handover));
  napi_value resource, name;
  napi_create_object(env->env, &resource);
  napi_create_reference(env->env, resource, 1, &engine->resource);
  napi_create_string_utf8(env->env, "winsock-native completions", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env->env, resource, name, &engine->asyncContext);
  env->channel = new Channel{engine};
  currentEnv = env;
  std::lock_guard<std::mutex> lock(Engines().mutex);
  Engines().engines.push_back(std::move(engine));
  Engines().count.store(Engines().engines.size(), std::memory_order_relaxed);
}

void AttachEnv(EnvState* env) { StartEngine(env); }

void SetKeepAlive(EnvState* env, bool alive) {
  Engine& engine = *env->channel->engine;
  auto* poll = reinterpret_cast<uv_handle_t*>(&engine.handles->poll);
  if (alive) {
    uv_ref(poll);
  } else {
    uv_unref(poll);
  }
  engine.keptAlive = alive;
  UpdateHandover(engine);
}

void CloseChannel(EnvState* env) {
  if (env->channel == nullptr) return;
  EnginePtr engine = env->channel->engine;
  {
    std::lock_guard<std::mutex> lock(Engines().mutex);
    auto& engines = Engines().engines;
    engines.erase(std::remove(engines.begin(), engines.end(), engine), engines.end());
    Engines().count.store(engines.size(), std::memory_order_relaxed);
  }
  if (engine->handles != nullptr) {
    // Their close callbacks run at the loop's last iteration (a worker's loop runs once more before closing).
    uv_poll_stop(&engine->handles->poll);
    uv_idle_stop(&engine->handles->idle);
    uv_timer_stop(&engine->handles->handover);
    engine->handles->poll.data = engine->handles->idle.data = engine->handles->handover.data = engine->handles;
    uv_close(reinterpret_cast<uv_handle_t*>(&engine->handles->poll), OnHandleClosed);
    uv_close(reinterpret_cast<uv_handle_t*>(&engine->handles->idle), OnHandleClosed);
    uv_close(reinterpret_cast<uv_handle_t*>(&engine->handles->handover), OnHandleClosed);
    engine->handles = nullptr;
  }
  if (engine->asyncContext != nullptr) napi_async_destroy(env->env, engine->asyncContext);
  if (engine->resource != nullptr) napi_delete_reference(env->env, engine->resource);
  engine->env = nullptr;
  if (currentEnv == env) currentEnv = nullptr;
  delete env->channel;
  env->channel = nullptr;
}

void PollCompletions(EnvState* env) { DriveEngines(env); }

}  // namespace wsn::backend
