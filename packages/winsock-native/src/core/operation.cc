#include "core/operation.h"

#include "core/env_state.h"
#include "core/state_block.h"

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

void RetainPastCall(Operation* op) {
  if (!op->retained) StateBlock::Of(op->state)->Acquire();
  op->retained = true;
}

void RecycleOperation(Operation* op) {
  EnvState* env = op->env;
  if (op->retained) StateBlock::Of(op->state)->Release();
  op->slices.clear();
  op->state = nullptr;
  op->socket = nullptr;
  op->event = op->msgFlags = op->error = op->resultFlags = op->slot = 0;
  op->transferred = op->nextSlice = 0;
  op->withRoutine = op->retained = op->slotMoved = op->announcePending = false;
  op->extension = ExtensionArgs();
  op->port.reset();
  op->key = CompletionKey();
  op->noPacket = op->plain = false;
  env->operationPool.push_back(op);
  liveOperations.fetch_sub(1, std::memory_order_relaxed);
}

void FreeOperationPool(EnvState* env) {
  for (Operation* op : env->operationPool) delete op;
  env->operationPool.clear();
}

}  // namespace wsn
