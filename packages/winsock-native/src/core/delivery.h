// Getting completions, routines and async-wait results onto the issuing JS thread, in batches.
#pragma once
#include <napi.h>

#include <deque>

#include "core/env_state.h"

namespace wsn {

// Creates the env's threadsafe function (unreferenced: it keeps the process alive only while async waits pend).
void CreateDeliveryChannel(EnvState* env);
// Env teardown: detaches from the backend, releases every reference without calling into JS.
void CloseDeliveryChannel(EnvState* env);
// References the threadsafe function exactly while the env has async waiters (JS thread).
void UpdateKeepAlive(EnvState* env);

// Runs completion routines in FIFO order on the JS thread. If one throws, the ones not run yet go back to the
// front of the env's queue and the exception propagates.
void RunRoutines(Napi::Env env, EnvState* state, std::deque<Operation*>* routines);

}  // namespace wsn
