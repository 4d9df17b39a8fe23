#include "core/operation.h"

#include "core/env_state.h"

namespace wsn {

Operation* AcquireOperation(EnvState* env) {
  Operation* op;
  if (env->operationPool.empty()) {
    op = new Operation();
  } else {
    op = env->operationPool.back();
    env->operationPool.pop_back();
  }
  op->env = env;
  return op;
}

static void DeleteRef(napi_env env, napi_ref& ref) {
  if (ref != nullptr) napi_delete_reference(env, ref);
  ref = nullptr;
}

void RecycleOperation(Operation* op) {
  EnvState* env = op->env;
  for (napi_ref& ref : op->bufferRefs) DeleteRef(env->env, ref);
  op->bufferRefs.clear();
  DeleteRef(env->env, op->overlappedRef);
  DeleteRef(env->env, op->routineRef);
  op->bufferValues.clear();
  op->slices.clear();
  op->overlappedValue = op->routineValue = nullptr;
  op->state = nullptr;
  op->event = op->msgFlags = op->error = op->resultFlags = 0;
  op->transferred = op->nextSlice = 0;
  env->operationPool.push_back(op);
}

void FreeOperationPool(EnvState* env) {
  for (Operation* op : env->operationPool) delete op;
  env->operationPool.clear();
}

void RetainForRoutine(Operation* op) {
  napi_env env = op->env->env;
  if (op->overlappedRef == nullptr) napi_create_reference(env, op->overlappedValue, 1, &op->overlappedRef);
  if (op->routineValue != nullptr && op->routineRef == nullptr) {
    napi_create_reference(env, op->routineValue, 1, &op->routineRef);
  }
}

void RetainForPending(Operation* op) {
  RetainForRoutine(op);
  napi_env env = op->env->env;
  op->bufferRefs.resize(op->bufferValues.size());
  for (size_t i = 0; i < op->bufferValues.size(); i++) {
    napi_create_reference(env, op->bufferValues[i], 1, &op->bufferRefs[i]);
  }
}

}  // namespace wsn
