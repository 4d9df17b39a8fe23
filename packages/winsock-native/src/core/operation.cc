#include "core/operation.h"

#include "core/env_state.h"

namespace wsn {

static std::atomic<uint32_t> liveOperations{0};

uint32_t LiveOperationCount() { return liveOperations.load(std::memory_order_relaxed); }

Operation* AcquireOperation(EnvState* env) {
  Operation* op;
  if (env->operationPool.empty()) {
    op = new Operation();
  } else {
    op = env->operationPool.back();
    env->operationPool.pop_back();
  }
  op->env = env;
  liveOperations.fetch_add(1, std::memory_order_relaxed);
  return op;
}

static napi_value Holder(Operation* op) {
  napi_env env = op->env->env;
  napi_value holder = nullptr;
  if (op->holderRef == nullptr) {
    napi_create_array(env, &holder);
    napi_create_reference(env, holder, 1, &op->holderRef);  // once per record, not per operation
  } else {
    napi_get_reference_value(env, op->holderRef, &holder);
  }
  return holder;
}

void RecycleOperation(Operation* op) {
  EnvState* env = op->env;
  if (op->overlappedRetained) napi_reference_unref(env->env, op->overlappedRef, nullptr);
  if (op->routineRetained || op->heldBuffers > 0) {
    // Cleared so a pooled record keeps no routine or buffer alive.
    napi_value holder = Holder(op), undefined;
    napi_get_undefined(env->env, &undefined);
    if (op->routineRetained) napi_set_element(env->env, holder, 0, undefined);
    for (uint32_t i = 1; i <= op->heldBuffers; i++) napi_set_element(env->env, holder, i, undefined);
  }
  op->overlappedRetained = op->routineRetained = false;
  op->heldBuffers = 0;
  op->overlappedRef = nullptr;
  op->bufferValues.clear();
  op->slices.clear();
  op->overlappedValue = op->routineValue = nullptr;
  op->state = nullptr;
  op->socket = nullptr;
  op->event = op->msgFlags = op->error = op->resultFlags = 0;
  op->transferred = op->nextSlice = 0;
  env->operationPool.push_back(op);
  liveOperations.fetch_sub(1, std::memory_order_relaxed);
}

void FreeOperationPool(EnvState* env) {
  for (Operation* op : env->operationPool) {
    if (op->holderRef != nullptr) napi_delete_reference(env->env, op->holderRef);
    delete op;
  }
  env->operationPool.clear();
}

void RetainForRoutine(Operation* op) {
  napi_env env = op->env->env;
  if (!op->overlappedRetained) {
    napi_reference_ref(env, op->overlappedRef, nullptr);
    op->overlappedRetained = true;
  }
  if (op->routineValue != nullptr && !op->routineRetained) {
    napi_set_element(env, Holder(op), 0, op->routineValue);
    op->routineRetained = true;
  }
}

void RetainForPending(Operation* op) {
  RetainForRoutine(op);
  if (op->bufferValues.empty()) return;
  napi_env env = op->env->env;
  napi_value holder = Holder(op);
  for (size_t i = 0; i < op->bufferValues.size(); i++) {
    napi_set_element(env, holder, static_cast<uint32_t>(i + 1), op->bufferValues[i]);
  }
  op->heldBuffers = static_cast<uint32_t>(op->bufferValues.size());
}

napi_value RetainedRoutine(Operation* op) {
  napi_value routine = nullptr;
  napi_get_element(op->env->env, Holder(op), 0, &routine);
  return routine;
}

napi_value RetainedOverlapped(Operation* op) {
  napi_value overlapped = nullptr;
  napi_get_reference_value(op->env->env, op->overlappedRef, &overlapped);
  return overlapped;
}

}  // namespace wsn
