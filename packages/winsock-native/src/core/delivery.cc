#include "core/delivery.h"

#include "backend/backend.h"
#include "core/operation.h"

namespace wsn {

void RunRoutines(Napi::Env env, EnvState* state, std::deque<Operation*>* routines) {
  while (!routines->empty()) {
    Napi::HandleScope scope(env);
    Operation* op = routines->front();
    routines->pop_front();
    napi_value routine = RetainedRoutine(op);
    napi_value args[4] = {Napi::Number::New(env, op->error), Napi::Number::New(env, static_cast<double>(op->transferred)),
                          RetainedOverlapped(op), Napi::Number::New(env, op->resultFlags)};
    RecycleOperation(op);  // the handle scope keeps routine and overlapped alive for the call
    try {
      Napi::Function(env, routine).Call(4, args);
    } catch (...) {
      backend::RequeueRoutines(state, routines);
      throw;
    }
  }
}

void UpdateKeepAlive(EnvState* env) {
  bool wanted = backend::HasAsyncWaiters(env);
  if (wanted == env->keptAlive) return;
  backend::SetKeepAlive(env, wanted);
  env->keptAlive = wanted;
}

// A wait callback that throws must not leave the rest of the batch unsettled: each is settled, and each
// exception is reported as uncaught (what Node does with an exception thrown from a callback).
static void SettleWaits(Napi::Env env, backend::DeliveryBatch& batch, Napi::Value routineError) {
  for (const backend::ResolvedWait& wait : batch.resolved) {
    Napi::HandleScope scope(env);
    napi_value callback = nullptr;
    napi_get_reference_value(env, wait.callback, &callback);
    napi_delete_reference(env, wait.callback);
    try {
      if (wait.runsRoutines && !routineError.IsEmpty()) {
        Napi::Function(env, callback).Call({routineError});
      } else {
        Napi::Function(env, callback).Call({env.Null(), Napi::Number::New(env, wait.result)});
      }
    } catch (const Napi::Error& error) {
      if (!error.Value().IsEmpty()) napi_fatal_exception(env, error.Value());
    }
  }
}

void DeliverBatch(Napi::Env env, EnvState* state) {
  backend::DeliveryBatch batch;
  backend::CollectDelivery(state, &batch);
  for (Operation* op : batch.finished) RecycleOperation(op);
  Napi::HandleScope scope(env);
  Napi::Value routineError;
  try {
    RunRoutines(env, state, &batch.routines);
  } catch (const Napi::Error& error) {
    routineError = error.Value();  // rejects the wait that ran the routines
  }
  SettleWaits(env, batch, routineError);
  UpdateKeepAlive(state);
}

void CloseDelivery(EnvState* env) {
  backend::DeliveryBatch leftovers;
  backend::DetachEnv(env, &leftovers);
  Napi::HandleScope scope(env->env);  // releasing what an operation retained reads its holder array
  for (Operation* op : leftovers.finished) RecycleOperation(op);
  for (const backend::ResolvedWait& wait : leftovers.resolved) napi_delete_reference(env->env, wait.callback);
  backend::CloseChannel(env);
  FreeOperationPool(env);
}

}  // namespace wsn
