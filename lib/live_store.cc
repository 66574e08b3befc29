// Reading a store another process writes (see live_store.h).
#include "lib/live_store.h"

#include <cstdarg>
#include <filesystem>
#include <memory>

namespace orderstore {
namespace internal {
namespace {

// Secondary instances write an info log of their own; ours writes none, so
// that reading a live store leaves no trace anywhere.
class DiscardLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

}  // namespace

rocksdb::Status OpenSecondary(
    rocksdb::DBOptions options, const std::string& path,
    const std::vector<rocksdb::ColumnFamilyDescriptor>& descriptors,
    std::vector<rocksdb::ColumnFamilyHandle*>* handles, rocksdb::DB** db) {
  options.info_log = std::make_shared<DiscardLogger>();
  options.max_open_files = -1;  // required of a secondary instance
  // The secondary path only holds a secondary's info log, which ours does
  // not write.
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(
      options, path, std::filesystem::temp_directory_path().string(),
      descriptors, handles, db);
  if (!s.ok()) return s;
  // The writer may have flushed (and dropped a log) while Open read the
  // manifest; catching up reads the rest of the manifest.
  s = (*db)->TryCatchUpWithPrimary();
  if (!s.ok()) {
    for (rocksdb::ColumnFamilyHandle* handle : *handles) {
      (*db)->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    handles->clear();
    delete *db;
    *db = nullptr;
  }
  return s;
}

}  // namespace internal
}  // namespace orderstore
