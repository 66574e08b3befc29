// Shared parts of the orderstore subcommands (see cli.h).
#include "cli.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iostream>

namespace orderstore::tool {

void PrintError(std::string_view what, std::string_view why) {
  std::cerr << "orderstore: " << what << ": " << why << "\n";
}

int ExitCodeFor(const Status& s) {
  if (s.ok()) return kExitOk;
  if (s.IsNotFound()) return kExitNotFound;
  // A create refused because a different order is stored under its hash
  // is a fault of the input, as invalid data is.
  if (s.IsInvalidArgument() || s.IsAlreadyExists()) return kExitInvalidInput;
  // Corruption, I/O errors, a lock, or any code added later.
  return kExitStoreError;
}

bool FlagParser::Parse(const std::vector<std::string_view>& flags,
                       const std::vector<std::string_view>& valued,
                       Operands operands) {
  bool operands_only = false;
  for (size_t i = 0; i < words_.size(); ++i) {
    std::string_view word = words_[i];
    if (operands_only || word == "-" || word.size() < 2 ||
        word.substr(0, 2) != "--") {
      if (!operands_only && word.size() > 1 && word[0] == '-' && word != "-") {
        UsageError("unknown option " + std::string(word));
        return false;
      }
      operands_.emplace_back(word);
      continue;
    }
    if (word == "--") {
      operands_only = true;
      continue;
    }
    std::string_view name = word;
    std::optional<std::string> value;
    if (size_t eq = word.find('='); eq != std::string_view::npos) {
      name = word.substr(0, eq);
      value = std::string(word.substr(eq + 1));
    }
    if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      if (value) {
        UsageError(std::string(name) + " takes no value");
        return false;
      }
      values_.emplace_back(std::string(name), "");
    } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
      if (!value) {
        if (i + 1 == words_.size()) {
          UsageError(std::string(name) + " needs a value");
          return false;
        }
        value = words_[++i];
      }
      values_.emplace_back(std::string(name), *value);
    } else {
      UsageError("unknown option " + std::string(name));
      return false;
    }
  }
  if (operands == Operands::kNone && !operands_.empty()) {
    UsageError("unexpected argument " + operands_[0]);
    return false;
  }
  return true;
}

bool FlagParser::Has(std::string_view name) const {
  for (const auto& [n, v] : values_) {
    if (n == name) return true;
  }
  return false;
}

std::optional<std::string> FlagParser::Value(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [n, v] : values_) {
    if (n == name) found = v;
  }
  return found;
}

std::vector<std::string> FlagParser::Values(std::string_view name) const {
  std::vector<std::string> found;
  for (const auto& [n, v] : values_) {
    if (n == name) found.push_back(v);
  }
  return found;
}

int FlagParser::UsageError(const std::string& why) const {
  PrintError(command_, why + " (see 'orderstore " + command_ + " --help')");
  return kExitUsage;
}

std::optional<uint64_t> FlagParser::Count(std::string_view name,
                                          uint64_t fallback) const {
  std::optional<std::string> text = Value(name);
  if (!text) return fallback;
  uint64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end) {
    UsageError(std::string(name) + " wants a whole number, got \"" + *text +
               "\"");
    return std::nullopt;
  }
  return value;
}

Options ToolOptions(std::string_view command,
                    std::function<void(const std::string&)> also) {
  Options options;
  options.warning = [command = std::string(command),
                     also = std::move(also)](const std::string& line) {
    PrintError(command, line);
    if (also) also(line);
  };
  return options;
}

Result<std::string> ReadSecretFile(const std::string& path,
                                   std::string_view what) {
  const std::string name = std::string(what) + " " + path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::InvalidArgument(name + ": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(name + ": not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return Status::InvalidArgument(
        name + " has mode " + mode +
        ": a secret must not be open to its group or others (chmod 600 " +
        path + ")");
  }
  std::string text;
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) return Status::InvalidArgument(name + ": " + std::strerror(errno));
    if (n == 0) break;
    text.append(chunk, static_cast<size_t>(n));
  }
  return text;
}

OpenedStore OpenForReading(const std::string& db, std::string_view command,
                           bool verbose,
                           std::function<void(const std::string&)> warned) {
  Options options = ToolOptions(command, std::move(warned));
  options.read_only = true;
  const int writer = Store::LockHolder(db);
  options.secondary = writer != 0;
  OpenedStore opened;
  Result<std::unique_ptr<Store>> store = Store::Open(options, db);
  if (!store.ok()) {
    PrintError(command, store.status().message());
    // Whatever keeps a store from opening (missing, damaged, unreadable) is
    // a store error for a reading command.
    opened.exit_code = kExitStoreError;
    return opened;
  }
  if (verbose) {
    if (writer != 0) {
      std::cerr << "orderstore: " << command << ": store " << db
                << " is open for writing in process " << writer
                << "; reading it as a RocksDB secondary instance (sees "
                   "every write made before now)\n";
    } else {
      std::cerr << "orderstore: " << command << ": store " << db
                << " opened read-only (no other process has it open for "
                   "writing)\n";
    }
  }
  opened.store = std::move(*store);
  return opened;
}

bool Emit(const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
}

namespace {

void AppendPadded(std::string_view text, size_t width, bool right,
                  std::string* out) {
  const size_t pad = text.size() < width ? width - text.size() : 0;
  if (right) out->append(pad, ' ');
  out->append(text);
  if (!right) out->append(pad, ' ');
}

// The columns of the table format: hash, status, fee, c_fee, created, items.
void AppendTableRow(std::string_view hash, std::string_view status,
                    std::string_view fee, std::string_view c_fee,
                    std::string_view created, std::string_view items,
                    std::string* out) {
  AppendPadded(hash, 34, false, out);
  AppendPadded(status, 10, false, out);
  AppendPadded(fee, 12, true, out);
  out->append("  ");
  AppendPadded(c_fee, 12, true, out);
  out->append("  ");
  AppendPadded(created, 36, false, out);
  AppendPadded(items, 5, true, out);
  out->append("\n");
}

}  // namespace

OrderPrinter::OrderPrinter(Format format) : format_(format) {
  if (format_ == Format::kTable) {
    AppendTableRow("HASH", "STATUS", "FEE", "C_FEE", "CREATED", "ITEMS", &out_);
  } else if (format_ == Format::kArray) {
    list_.emplace(NewRequestId(), &out_);
  }
}

bool OrderPrinter::Print(OrderView order) {
  switch (format_) {
    case Format::kJsonLines:
      AppendOrderJson(order, &out_);
      out_ += '\n';
      break;
    case Format::kArray:
      list_->Add(order);
      break;
    case Format::kTable: {
      std::string fee, c_fee;
      AppendJsonNumber(order.fee(), &fee);
      AppendJsonNumber(order.c_fee(), &c_fee);
      AppendTableRow(order.hash().ToHex(), ToString(order.status()), fee, c_fee,
                     FormatTimestamp(order.create_time()),
                     std::to_string(order.items().size()), &out_);
      break;
    }
  }
  if (out_.size() < (1 << 20)) return true;
  const bool written = Emit(out_);
  out_.clear();
  return written;
}

bool OrderPrinter::Finish() {
  if (list_) {
    list_->Finish();
    out_ += '\n';
    list_.reset();
  }
  const bool written = Emit(out_);
  out_.clear();
  std::fflush(stdout);
  return written;
}

}  // namespace orderstore::tool
