// What an open store tells about its own state: Store::GetProperty, and
// Store::WaitForBackgroundWork for its background work to be done.
#include <cstdio>
#include <string>
#include <string_view>

#include "lib/key_filter.h"
#include "lib/store_impl.h"
#include "orderstore/store.h"

namespace orderstore {

namespace {

constexpr std::string_view kKeyFilterPrefix = "orderstore.key-filter.";

}  // namespace

Status Store::WaitForBackgroundWork(std::chrono::milliseconds timeout) const {
  const internal::LiveKeyFilter* filter = impl_->key_filter.get();
  if (filter == nullptr || filter->WaitUntilIdle(timeout)) return Status::OK();
  std::string message = "store " + impl_->path +
                        ": the key filter's build did not finish in " +
                        std::to_string(timeout.count()) + " ms";
  const std::string error = filter->stats().error;
  if (!error.empty()) message += " (" + error + ")";
  return Status::IOError(std::move(message));
}

bool Store::GetProperty(std::string_view name, std::string* value) const {
  const internal::LiveKeyFilter* filter = impl_->key_filter.get();
  if (filter == nullptr || !name.starts_with(kKeyFilterPrefix)) return false;
  name.remove_prefix(kKeyFilterPrefix.size());
  const internal::LiveKeyFilter::Stats stats = filter->stats();
  if (name == "ready") {
    *value = stats.ready ? "1" : "0";
  } else if (name == "builds") {
    *value = std::to_string(stats.builds);
  } else if (name == "capacity") {
    *value = std::to_string(stats.capacity);
  } else if (name == "keys") {
    *value = std::to_string(stats.keys);
  } else if (name == "scanned") {
    *value = std::to_string(stats.scanned);
  } else if (name == "memory-bytes") {
    *value = std::to_string(stats.memory_bytes);
  } else if (name == "last-build-seconds") {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", stats.last_build_seconds);
    *value = text;
  } else if (name == "error") {
    *value = stats.error;
  } else {
    return false;
  }
  return true;
}

}  // namespace orderstore
