// The whole C++ embedding API in one include.
#pragma once

#include "wasmcap/caller.h"
#include "wasmcap/code_cache.h"
#include "wasmcap/config.h"
#include "wasmcap/engine.h"
#include "wasmcap/error.h"
#include "wasmcap/externs.h"
#include "wasmcap/func_wrap.h"
#include "wasmcap/instance.h"
#include "wasmcap/linker.h"
#include "wasmcap/module.h"
#include "wasmcap/store.h"
#include "wasmcap/typed_func.h"
#include "wasmcap/types.h"
#include "wasmcap/value.h"
#include "wasmcap/value_traits.h"
#include "wasmcap/wasi.h"
