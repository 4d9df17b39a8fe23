// A batch crosses into JS as numbers in a Uint32Array (the batch area) and one call of lib/completions.ts's
// deliver(area, blocking): no reference, no JS value per operation or wait.
//
//   area[0]               out: how many routines ran (the rest go back to the front of the queue)
//   area[1..3]            finished, routines, waits
//   then finished         slot
//   then routines         slot, dwError, cbTransferred, dwFlags
//   then waits            waiter id, result, runsRoutines
#include "core/delivery.h"

#include <algorithm>

#include "backend/backend.h"
#include "core/operation.h"

namespace wsn {

namespace {

constexpr size_t kHeaderWords = 4, kRoutineWords = 4, kWaitWords = 3;

// The area for the current nesting depth (a routine may block in SleepEx, which delivers again), at least
// `words` long.
uint32_t* BatchArea(Napi::Env env, EnvState* state, size_t words, Napi::Uint32Array* array) {
  auto& areas = state->batchAreas;
  if (areas.size() <= state->deliveryDepth) areas.resize(state->deliveryDepth + 1);
  auto& area = areas[state->deliveryDepth];
  if (area.IsEmpty() || area.Value().ElementLength() < words) {
    size_t capacity = std::max<size_t>(256, words * 2);
    area = Napi::Persistent(Napi::Uint32Array::New(env, capacity));
  }
  *array = area.Value();
  return array->Data();
}

struct DepthGuard {
  explicit DepthGuard(EnvState* s) : state(s) { state->deliveryDepth++; }
  ~DepthGuard() { state->deliveryDepth--; }
  EnvState* state;
};

// Calls deliver(); returns how many routines ran. A routine that threw: in blocking mode the exception
// propagates (after the ones not run are requeued); in delivery mode deliver() rejects the wait that ran them.
uint32_t CallDeliver(Napi::Env env, EnvState* state, const std::vector<Operation*>& finished,
                     const std::vector<uint32_t>& releasedSlots, std::deque<Operation*>* routines,
                     const std::vector<backend::ResolvedWait>& waits, bool blocking) {
  DepthGuard depth(state);
  uint32_t* area = nullptr;
  // Whatever fails (a worker being terminated fails every N-API call), the routines that did not run go back to
  // the front of the queue: dropped here they would never be released.
  auto settleRoutines = [&] {
    const uint32_t ran = area == nullptr ? 0 : std::min<uint32_t>(area[0], static_cast<uint32_t>(routines->size()));
    for (uint32_t i = 0; i < ran; i++) {
      RecycleOperation(routines->front());
      routines->pop_front();
    }
    if (!routines->empty()) backend::RequeueRoutines(state, routines);
    return ran;
  };
  try {
    const size_t slots = finished.size() + releasedSlots.size();
    const size_t words = kHeaderWords + slots + kRoutineWords * routines->size() + kWaitWords * waits.size();
    Napi::Uint32Array array;
    uint32_t* data = BatchArea(env, state, words, &array);
    data[0] = 0;
    data[2] = static_cast<uint32_t>(routines->size());
    data[3] = static_cast<uint32_t>(waits.size());
    uint32_t* cursor = data + kHeaderWords;
    for (Operation* op : finished) {
      if (!op->slotMoved) *cursor++ = op->slot;  // else its port packet releases it when dequeued
    }
    for (uint32_t slot : releasedSlots) *cursor++ = slot;
    data[1] = static_cast<uint32_t>(cursor - (data + kHeaderWords));
    for (Operation* op : *routines) {
      *cursor++ = op->slot;
      *cursor++ = op->error;
      *cursor++ = static_cast<uint32_t>(op->transferred);
      *cursor++ = op->resultFlags;
    }
    for (const backend::ResolvedWait& wait : waits) {
      *cursor++ = wait.waiterId;
      *cursor++ = wait.result;
      *cursor++ = wait.runsRoutines ? 1 : 0;
    }
    area = data;
    state->deliver.Call({array, Napi::Boolean::New(env, blocking)});
  } catch (...) {
    settleRoutines();
    throw;
  }
  return settleRoutines();
}

}  // namespace

void RunRoutines(Napi::Env env, EnvState* state, std::deque<Operation*>* routines) {
  if (routines->empty()) return;
  Napi::HandleScope scope(env);
  CallDeliver(env, state, {}, {}, routines, {}, true);
}

void UpdateKeepAlive(EnvState* env) {
  bool wanted = backend::HasAsyncWaiters(env);
  if (wanted == env->keptAlive) return;
  backend::SetKeepAlive(env, wanted);
  env->keptAlive = wanted;
}

void DeliverBatch(Napi::Env env, EnvState* state) {
  backend::DeliveryBatch batch;
  backend::CollectDelivery(state, &batch);
  if (!batch.finished.empty() || !batch.releasedSlots.empty() || !batch.routines.empty() || !batch.resolved.empty()) {
    Napi::HandleScope scope(env);
    try {
      CallDeliver(env, state, batch.finished, batch.releasedSlots, &batch.routines, batch.resolved, false);
    } catch (const Napi::Error&) {
      // deliver() catches what routines and settlements throw; only a worker being terminated gets here.
    }
    // Their slots were released by deliver(), or the env is going away.
    for (Operation* op : batch.finished) RecycleOperation(op);
  }
  UpdateKeepAlive(state);
}

void ReleaseFinished(Napi::Env env, EnvState* state) {
  backend::DeliveryBatch batch;
  backend::CollectFinished(state, &batch);
  if (batch.finished.empty() && batch.releasedSlots.empty()) return;
  Napi::HandleScope scope(env);
  std::deque<Operation*> noRoutines;
  try {
    CallDeliver(env, state, batch.finished, batch.releasedSlots, &noRoutines, {}, true);
  } catch (const Napi::Error&) {
    // A worker being terminated: its slots go with it.
  }
  for (Operation* op : batch.finished) RecycleOperation(op);
}

void CloseDelivery(EnvState* env) {
  backend::DeliveryBatch leftovers;
  backend::DetachEnv(env, &leftovers);
  // The JS side goes with the env: slots and waiter ids need no release.
  for (Operation* op : leftovers.finished) RecycleOperation(op);
  backend::CloseChannel(env);
  FreeOperationPool(env);
  env->batchAreas.clear();
  env->deliver.Reset();
}

}  // namespace wsn
