#include "lib/hooked_env.h"

#include <rocksdb/file_system.h>
#include <rocksdb/system_clock.h>

#include <utility>

#include "lib/file_modes.h"

namespace orderstore::internal {
namespace {

// NewCompositeEnv's Env with another clock. RocksDB takes a database's
// clock from Env::GetSystemClock(), which reads Env's own member: set here,
// as RocksDB's own composite Env sets it.
class ClockEnv : public rocksdb::EnvWrapper {
 public:
  ClockEnv(std::unique_ptr<rocksdb::Env> base,
           std::shared_ptr<rocksdb::SystemClock> clock)
      : EnvWrapper(std::move(base)) {
    file_system_ = target()->GetFileSystem();
    system_clock_ = std::move(clock);
  }
  static const char* kClassName() { return "OrderstoreClockEnv"; }
  const char* Name() const override { return kClassName(); }

  uint64_t NowMicros() override { return system_clock_->NowMicros(); }
  uint64_t NowNanos() override { return system_clock_->NowNanos(); }
  void SleepForMicroseconds(int micros) override {
    system_clock_->SleepForMicroseconds(micros);
  }
};

}  // namespace

std::unique_ptr<rocksdb::Env> NewHookedEnv(StoreHooks* hooks, uint32_t file_mode) {
  if (hooks == nullptr) return nullptr;
  std::shared_ptr<rocksdb::FileSystem> fs = hooks->FileSystem();
  std::shared_ptr<rocksdb::SystemClock> clock = hooks->Clock();
  if (fs == nullptr && clock == nullptr) return nullptr;
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(NewModeSettingFileSystem(
      fs != nullptr ? std::move(fs) : rocksdb::FileSystem::Default(), file_mode));
  if (clock == nullptr) return env;
  return std::make_unique<ClockEnv>(std::move(env), std::move(clock));
}

}  // namespace orderstore::internal
