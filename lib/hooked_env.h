// The Env of a store opened with StoreHooks that give a file system or a
// clock (the fault tests, tests/fault_fs.h), in place of the default one.
#ifndef ORDERSTORE_LIB_HOOKED_ENV_H_
#define ORDERSTORE_LIB_HOOKED_ENV_H_

#include <rocksdb/env.h>

#include <cstdint>
#include <memory>

#include "lib/store_hooks.h"

namespace orderstore::internal {

// An Env over hooks->FileSystem() (FileSystem::Default() if null) under
// `file_mode` (lib/file_modes.h) and hooks->Clock() (SystemClock::Default()
// if null), with Env::Default()'s threads. Null when `hooks` is null or
// gives neither: the store then uses ModeSettingEnv(file_mode). The result
// must outlive every database opened on it.
std::unique_ptr<rocksdb::Env> NewHookedEnv(StoreHooks* hooks, uint32_t file_mode);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_HOOKED_ENV_H_
