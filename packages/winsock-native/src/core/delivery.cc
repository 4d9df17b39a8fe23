#include "core/delivery.h"

#include "backend/backend.h"
#include "core/operation.h"

namespace wsn {

static Napi::Value ReferenceValue(napi_env env, napi_ref ref) {
  napi_value value = nullptr;
  napi_get_reference_value(env, ref, &value);
  return Napi::Value(env, value);
}

void RequestDelivery(EnvState* env) {
  if (!env->alive || env->deliveryScheduled) return;
  env->deliveryScheduled = true;
  napi_call_threadsafe_function(env->tsfn, nullptr, napi_tsfn_nonblocking);
}

void RunRoutines(Napi::Env env, EnvState* state, std::deque<Operation*>* routines) {
  while (!routines->empty()) {
    Napi::HandleScope scope(env);
    Operation* op = routines->front();
    routines->pop_front();
    Napi::Function routine = ReferenceValue(env, op->routineRef).As<Napi::Function>();
    Napi::Value overlapped = ReferenceValue(env, op->overlappedRef);
    Napi::Value error = Napi::Number::New(env, op->error);
    Napi::Value bytes = Napi::Number::New(env, static_cast<double>(op->transferred));
    Napi::Value flags = Napi::Number::New(env, op->resultFlags);
    RecycleOperation(op);  // the handle scope keeps routine and overlapped alive for the call
    try {
      routine.Call({error, bytes, overlapped, flags});
    } catch (...) {
      backend::RequeueRoutines(state, routines);
      throw;
    }
  }
}

void UpdateKeepAlive(EnvState* env) {
  bool wanted = backend::HasAsyncWaiters(env);
  if (wanted == env->tsfnReferenced) return;
  if (wanted) {
    napi_ref_threadsafe_function(env->env, env->tsfn);
  } else {
    napi_unref_threadsafe_function(env->env, env->tsfn);
  }
  env->tsfnReferenced = wanted;
}

static void SettleWaits(Napi::Env env, backend::DeliveryBatch& batch, Napi::Value routineError) {
  for (const backend::ResolvedWait& wait : batch.resolved) {
    Napi::Function callback = ReferenceValue(env, wait.callback).As<Napi::Function>();
    napi_delete_reference(env, wait.callback);
    if (wait.runsRoutines && !routineError.IsEmpty()) {
      callback.Call({routineError});
    } else {
      callback.Call({env.Null(), Napi::Number::New(env, wait.result)});
    }
  }
}

// call_js of the env's threadsafe function: one batch per call.
static void Deliver(napi_env rawEnv, napi_value, void* context, void*) {
  if (rawEnv == nullptr) return;  // the function is being torn down
  auto* state = static_cast<EnvState*>(context);
  backend::DeliveryBatch batch;
  backend::CollectDelivery(state, &batch);
  for (Operation* op : batch.finished) RecycleOperation(op);
  Napi::Env env(rawEnv);
  try {
    Napi::HandleScope scope(env);
    Napi::Value routineError;
    try {
      RunRoutines(env, state, &batch.routines);
    } catch (const Napi::Error& error) {
      routineError = error.Value();  // rejects the wait that ran the routines
    }
    SettleWaits(env, batch, routineError);
  } catch (const Napi::Error& error) {
    // A throwing wait callback (Node reports it as uncaught), or a worker being terminated (swallowed).
    error.ThrowAsJavaScriptException();
  }
  UpdateKeepAlive(state);
}

void CreateDeliveryChannel(EnvState* env) {
  napi_value name;
  napi_create_string_utf8(env->env, "winsock-native delivery", NAPI_AUTO_LENGTH, &name);
  NAPI_THROW_IF_FAILED_VOID(env->env,
                            napi_create_threadsafe_function(env->env, nullptr, nullptr, name, 0, 1, nullptr,
                                                            nullptr, env, Deliver, &env->tsfn));
  napi_unref_threadsafe_function(env->env, env->tsfn);
}

void CloseDeliveryChannel(EnvState* env) {
  backend::DeliveryBatch leftovers;
  backend::DetachEnv(env, &leftovers);
  for (Operation* op : leftovers.finished) RecycleOperation(op);
  for (const backend::ResolvedWait& wait : leftovers.resolved) napi_delete_reference(env->env, wait.callback);
  napi_release_threadsafe_function(env->tsfn, napi_tsfn_abort);
  backend::ReleaseReactor(env);
  FreeOperationPool(env);
}

}  // namespace wsn
