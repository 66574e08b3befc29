// The permissions of a store's files (Options::file_mode): every file and
// directory the store writes, through RocksDB or not, gets exactly the
// chosen mode whatever the process umask, and a store found more open than
// that is reported once at Open.
//
// The process umask is left alone: it is process-wide, so changing it from
// a library would race with every other thread creating files.
#ifndef ORDERSTORE_LIB_FILE_MODES_H_
#define ORDERSTORE_LIB_FILE_MODES_H_

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <cstdint>
#include <memory>
#include <string>

#include "orderstore/options.h"
#include "orderstore/status.h"

namespace orderstore::internal {

// The mode of a store's directories for files of mode `file_mode`: the
// same bits plus search (x) wherever read is given (0600 -> 0700,
// 0640 -> 0750).
uint32_t DirectoryMode(uint32_t file_mode);

// A FileSystem that forwards everything to `base` and then sets the mode
// of every file and directory it creates (table files, logs, the manifest,
// CURRENT, OPTIONS, the LOCK file, the info LOG, directories) to
// `file_mode` (DirectoryMode(file_mode) for directories), exactly. Files
// are created by `base` with its own mode and changed right after: nobody
// else can open one in between, since the directory it is made in already
// has the store's mode (it is the first thing RocksDB creates). It wraps
// any FileSystem whose paths are real paths, so it composes with other
// wrappers on either side. Its info logs are ours (lib/info_log.h), written
// through its own files. Thread-safe as `base` is.
std::shared_ptr<rocksdb::FileSystem> NewModeSettingFileSystem(
    std::shared_ptr<rocksdb::FileSystem> base, uint32_t file_mode);

// An Env over NewModeSettingFileSystem(FileSystem::Default(), file_mode),
// for rocksdb::Options::env. One per mode for the whole process, never
// destroyed (RocksDB keeps a raw pointer to it for as long as a database
// or an SstFileWriter uses it). Thread-safe.
rocksdb::Env* ModeSettingEnv(uint32_t file_mode);

// Checks options.file_mode (InvalidArgument naming it unless it has only
// read and write bits, and owner read and write among them). When Open is
// about to create a store in `path` (no store there yet, creating allowed,
// not read-only) and the directory already exists, sets its mode, as for a
// directory the store creates; IOError if that fails.
Status PrepareStoreDirectory(const Options& options, const std::string& path);

// Looks for the store's directory, and anything in it, granting more than
// its mode should (see Options::warning). If there is any, makes one line
// naming the first such path, its mode, how many more there are and the
// chmod that closes them, and writes it to `info_log` (when not null) and
// to options.warning (when set). Calls nothing when all is private.
void WarnIfOpenToOthers(const Options& options, const std::string& path,
                        rocksdb::Logger* info_log);

}  // namespace orderstore::internal

#endif  // ORDERSTORE_LIB_FILE_MODES_H_
