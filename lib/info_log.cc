#include "lib/info_log.h"

#include <pthread.h>
#include <sys/time.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace orderstore::internal {
namespace {

class InfoLog final : public rocksdb::Logger {
 public:
  explicit InfoLog(std::unique_ptr<rocksdb::FSWritableFile> file)
      : file_(std::move(file)) {}
  ~InfoLog() override { InfoLog::CloseImpl().PermitUncheckedError(); }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    struct timeval now {};
    gettimeofday(&now, nullptr);
    struct tm t {};
    localtime_r(&now.tv_sec, &t);
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %llx ",
                  t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                  t.tm_min, t.tm_sec, static_cast<long>(now.tv_usec),
                  static_cast<unsigned long long>(pthread_self()));
    std::string line = prefix;
    va_list copy;
    va_copy(copy, ap);
    const int n = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    if (n > 0) {
      const size_t at = line.size();
      line.resize(at + static_cast<size_t>(n) + 1);
      std::vsnprintf(line.data() + at, static_cast<size_t>(n) + 1, format, ap);
      line.resize(at + static_cast<size_t>(n));
    }
    if (line.back() != '\n') line += '\n';

    std::lock_guard<std::mutex> lock(mu_);
    if (file_ == nullptr || failed_) return;
    const rocksdb::IOOptions io;
    rocksdb::IOStatus s = file_->Append(line, io, nullptr);
    if (s.ok()) s = file_->Flush(io, nullptr);
    if (s.ok()) {
      size_ += line.size();
    } else {
      failed_ = true;
    }
  }

  size_t GetLogFileSize() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return size_;
  }

 protected:
  rocksdb::Status CloseImpl() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (file_ == nullptr) return rocksdb::Status::OK();
    rocksdb::IOStatus s = file_->Close(rocksdb::IOOptions(), nullptr);
    file_.reset();
    s.PermitUncheckedError();  // nothing depends on the info log
    return rocksdb::Status::OK();
  }

 private:
  mutable std::mutex mu_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;
  size_t size_ = 0;
  bool failed_ = false;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewInfoLog(
    std::unique_ptr<rocksdb::FSWritableFile> file) {
  return std::make_shared<InfoLog>(std::move(file));
}

}  // namespace orderstore::internal
