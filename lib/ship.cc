// Shipping the change feed into ClickHouse: the destination, the cursor
// ClickHouse keeps, and the batches (the row itself is lib/ship_row.cc).
#include "orderstore/ship.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lib/clickhouse_http.h"

namespace orderstore {
namespace {

Status BadUrl(std::string_view url, std::string_view why) {
  return Status::InvalidArgument("destination \"" + std::string(url) + "\": " +
                                 std::string(why) +
                                 " (want http://HOST:PORT)");
}

std::string Trim(std::string text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// A ClickHouse string literal.
std::string Quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

Status ParseShipUrl(std::string_view url, ShipOptions* options) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return BadUrl(url, "not an http:// URL");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find_first_of("/@?#") != std::string_view::npos) {
    return BadUrl(url, "a path, query or user in the URL");
  }
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return BadUrl(url, "no host and port");
  }
  const std::string_view port_text = rest.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() ||
      port == 0 || port > 65535) {
    return BadUrl(url, "the port is not 1..65535");
  }
  options->host = std::string(rest.substr(0, colon));
  options->port = static_cast<uint16_t>(port);
  return Status::OK();
}

Status LoadShipCredentials(const std::string& path, ShipOptions* options) {
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return Status::IOError("credentials file " + path + ": cannot be read");
    std::string user, key;
    std::getline(in, user);
    std::getline(in, key);
    if (in.bad()) return Status::IOError("credentials file " + path + ": cannot be read");
    options->user = Trim(user);
    options->key = Trim(key);
    if (options->user.empty()) {
      return Status::InvalidArgument("credentials file " + path +
                                     ": the first line (the user) is empty");
    }
    return Status::OK();
  }
  if (const char* user = std::getenv("CLICKHOUSE_USER"); user && *user) {
    options->user = user;
    const char* key = std::getenv("CLICKHOUSE_PASSWORD");
    options->key = key ? key : "";
  }
  return Status::OK();
}

Result<std::string> StoreShardName(const Store& store) {
  // RocksDB writes IDENTITY (a UUID) when it creates a database and never
  // changes it; a copy of the store keeps it, which is what a shard means.
  const std::string path = store.path() + "/IDENTITY";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string identity = Trim(text.str());
  if (!in || identity.empty()) {
    return Status::IOError("store " + store.path() +
                           ": no database identity to name the shard (IDENTITY); "
                           "give one with --shard");
  }
  return "store:" + identity;
}

Result<uint64_t> ShippedCursor(const ShipOptions& options) {
  Result<std::string> answer = internal::ClickHousePost(
      options,
      "SELECT max(version) FROM " + options.table + " WHERE shard = " +
          Quote(options.shard) + " FORMAT TabSeparated",
      "");
  if (!answer.ok()) return answer.status();
  const std::string text = Trim(*answer);
  uint64_t cursor = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cursor);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::IOError("ClickHouse at " + options.host + ":" +
                           std::to_string(options.port) +
                           ": max(version) is not a number: \"" +
                           text.substr(0, 80) + "\"");
  }
  return cursor;
}

Status ShipChanges(const Store& store, const ShipOptions& options,
                   uint64_t* cursor, uint64_t* shipped) {
  if (options.batch == 0 || options.batch > kMaxShipBatch) {
    return Status::InvalidArgument("batch size " + std::to_string(options.batch) +
                                   " is not 1.." + std::to_string(kMaxShipBatch));
  }
  if (options.shard.empty()) return Status::InvalidArgument("no shard name");
  Result<std::unique_ptr<ChangeIterator>> it = store.ChangesAfter(ReadOptions(), *cursor);
  if (!it.ok()) return it.status();
  const std::string insert = "INSERT INTO " + options.table + " FORMAT JSONEachRow";
  std::string rows;
  size_t count = 0;
  uint64_t last = *cursor;
  auto flush = [&]() -> Status {
    if (count == 0) return Status::OK();
    Result<std::string> answer = internal::ClickHousePost(options, insert, std::move(rows));
    rows.clear();
    if (!answer.ok()) return answer.status();
    *cursor = last;
    if (shipped) *shipped += count;
    count = 0;
    return Status::OK();
  };
  for (; (*it)->Valid(); (*it)->Next()) {
    Result<ChangeView> change = (*it)->change();
    if (!change.ok()) {
      Status s = flush();
      return s.ok() ? change.status() : s;
    }
    AppendShipRow(*change, options.shard, &rows);
    last = change->seq();
    if (++count == options.batch) {
      if (Status s = flush(); !s.ok()) return s;
    }
  }
  if (Status s = flush(); !s.ok()) return s;
  return (*it)->status();
}

}  // namespace orderstore
