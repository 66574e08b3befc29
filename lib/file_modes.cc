// Options::file_mode (see file_modes.h).
#include "lib/file_modes.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>

#include "lib/info_log.h"

namespace orderstore::internal {
namespace {

namespace fs = std::filesystem;

std::string Octal(uint32_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Sets `path`'s permission bits to `mode`. A path that is not there is
// left alone: the base file system may keep its files elsewhere than at
// their names (an in-memory one in tests), and then there is nothing on
// disk for others to read.
rocksdb::IOStatus SetMode(const std::string& path, uint32_t mode) {
  if (::chmod(path.c_str(), mode) == 0 || errno == ENOENT) {
    return rocksdb::IOStatus::OK();
  }
  return rocksdb::IOStatus::IOError("chmod " + Octal(mode) + " " + path,
                                    std::strerror(errno));
}

class ModeSettingFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  ModeSettingFileSystem(std::shared_ptr<rocksdb::FileSystem> base,
                        uint32_t file_mode)
      : FileSystemWrapper(std::move(base)),
        file_mode_(file_mode),
        dir_mode_(DirectoryMode(file_mode)) {}

  static const char* kClassName() { return "OrderstoreModeSettingFileSystem"; }
  const char* Name() const override { return kClassName(); }

  // Files opened with truncation are new files whatever was there before.
  rocksdb::IOStatus NewWritableFile(const std::string& f,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(f, options, r, dbg);
    return s.ok() ? SetMode(f, file_mode_) : s;
  }
  rocksdb::IOStatus ReuseWritableFile(
      const std::string& f, const std::string& old,
      const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* r,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->ReuseWritableFile(f, old, options, r, dbg);
    return s.ok() ? SetMode(f, file_mode_) : s;
  }
  // Our logger (lib/info_log.h) over a file made as any other, for the
  // store's info log: RocksDB's own stops the process on a full disk.
  rocksdb::IOStatus NewLogger(const std::string& f,
                              const rocksdb::IOOptions& /*options*/,
                              std::shared_ptr<rocksdb::Logger>* r,
                              rocksdb::IODebugContext* dbg) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = NewWritableFile(f, rocksdb::FileOptions(), &file, dbg);
    if (s.ok()) *r = NewInfoLog(std::move(file));
    return s;
  }
  rocksdb::IOStatus CreateDir(const std::string& d,
                              const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->CreateDir(d, options, dbg);
    return s.ok() ? SetMode(d, dir_mode_) : s;
  }

  // These may open what exists: only a file or directory they create gets
  // the mode (an existing one keeps its own, and Open warns about it).
  rocksdb::IOStatus ReopenWritableFile(
      const std::string& f, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* r,
      rocksdb::IODebugContext* dbg) override {
    const bool existed = Exists(f);
    rocksdb::IOStatus s = target()->ReopenWritableFile(f, options, r, dbg);
    return s.ok() && !existed ? SetMode(f, file_mode_) : s;
  }
  rocksdb::IOStatus NewRandomRWFile(const std::string& f,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    const bool existed = Exists(f);
    rocksdb::IOStatus s = target()->NewRandomRWFile(f, options, r, dbg);
    return s.ok() && !existed ? SetMode(f, file_mode_) : s;
  }
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
    const bool existed = Exists(d);
    rocksdb::IOStatus s = target()->CreateDirIfMissing(d, options, dbg);
    return s.ok() && !existed ? SetMode(d, dir_mode_) : s;
  }
  rocksdb::IOStatus LockFile(const std::string& f,
                             const rocksdb::IOOptions& options,
                             rocksdb::FileLock** lock,
                             rocksdb::IODebugContext* dbg) override {
    const bool existed = Exists(f);
    rocksdb::IOStatus s = target()->LockFile(f, options, lock, dbg);
    return s.ok() && !existed ? SetMode(f, file_mode_) : s;
  }

 private:
  const uint32_t file_mode_;
  const uint32_t dir_mode_;
};

// The chmod arguments that take away from group and others whatever
// `file_mode` does not give them ("go-rwx" for 0600, "g-w,o-rwx" for 0640).
std::string ChmodFix(uint32_t file_mode) {
  auto taken = [](bool read, bool write) {
    std::string letters;
    if (!read) letters += 'r';
    if (!write) letters += 'w';
    if (!read) letters += 'x';
    return letters;
  };
  const std::string group = taken(file_mode & 040, file_mode & 020);
  const std::string other = taken(file_mode & 04, file_mode & 02);
  if (group == other) return "go-" + group;
  std::string fix;
  if (!group.empty()) fix = "g-" + group;
  if (!other.empty()) fix += (fix.empty() ? "o-" : ",o-") + other;
  return fix;
}

}  // namespace

uint32_t DirectoryMode(uint32_t file_mode) {
  return file_mode | ((file_mode & 0444) >> 2);
}

std::shared_ptr<rocksdb::FileSystem> NewModeSettingFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, uint32_t file_mode) {
  return std::make_shared<ModeSettingFileSystem>(std::move(base), file_mode);
}

rocksdb::Env* ModeSettingEnv(uint32_t file_mode) {
  static std::mutex mu;
  // Leaked on purpose: a Store destroyed by a static destructor must still
  // find its Env.
  static auto* envs = new std::map<uint32_t, std::unique_ptr<rocksdb::Env>>;
  std::lock_guard<std::mutex> lock(mu);
  std::unique_ptr<rocksdb::Env>& env = (*envs)[file_mode];
  if (env == nullptr) {
    env = rocksdb::NewCompositeEnv(
        NewModeSettingFileSystem(rocksdb::FileSystem::Default(), file_mode));
  }
  return env.get();
}

Status PrepareStoreDirectory(const Options& options, const std::string& path) {
  const uint32_t mode = options.file_mode;
  if ((mode & ~uint32_t{0666}) != 0 || (mode & 0600) != 0600) {
    return Status::InvalidArgument(
        "store " + path + ": file_mode " + Octal(mode) +
        " is not a file mode for a store: want read and write bits only "
        "(0666 at most), with the owner's read and write (e.g. 0600, 0640)");
  }
  if (options.read_only || !options.create_if_missing) return Status::OK();
  std::error_code ec;
  if (fs::exists(fs::path(path) / "CURRENT", ec) || !fs::is_directory(path, ec)) {
    return Status::OK();  // a store already, or RocksDB creates the directory
  }
  // A new store in a directory made beforehand (say, by an installer) is
  // as private as one in a directory it makes.
  if (::chmod(path.c_str(), DirectoryMode(mode)) != 0) {
    return Status::IOError("store " + path + ": cannot set its mode to " +
                           Octal(DirectoryMode(mode)) + ": " +
                           std::strerror(errno));
  }
  return Status::OK();
}

void WarnIfOpenToOthers(const Options& options, const std::string& path,
                        rocksdb::Logger* info_log) {
  // Group and other bits beyond the store's; x counts as allowed wherever
  // r is, as it is for the store's directories.
  const uint32_t allowed = DirectoryMode(options.file_mode) & 077;
  std::string first;
  uint32_t first_mode = 0;
  size_t more = 0;
  auto look = [&](const std::string& p) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return;
    if ((st.st_mode & 077 & ~allowed) == 0) return;
    if (first.empty()) {
      first = p;
      first_mode = st.st_mode;
    } else {
      ++more;
    }
  };
  look(path);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end;
       it.increment(ec)) {
    look(it->path().string());
  }
  if (first.empty()) return;
  std::string line = "store " + path + ": " + first + " has mode " +
                     Octal(first_mode) + ", more open than the store's " +
                     Octal(options.file_mode) + " (directories " +
                     Octal(DirectoryMode(options.file_mode)) + ")";
  if (more > 0) line += ", as are " + std::to_string(more) + " more paths";
  line += "; others may read its orders: chmod -R " +
          ChmodFix(options.file_mode) + " " + path;
  if (info_log != nullptr) {
    rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, info_log, "%s",
                 line.c_str());
  }
  if (options.warning) options.warning(line);
}

}  // namespace orderstore::internal
