#include "bench/lmdb_db.h"

#include <algorithm>
#include <memory>
#include <string>

#include "bench/dataset.h"
#include "lib/record.h"

namespace orderstore::bench {

Lmdb& LmdbDb() {
  static Lmdb* loaded = nullptr;
  if (loaded == nullptr) {
    auto lmdb = std::make_unique<Lmdb>();
    lmdb->path = FreshDir("lmdb");
    auto check = [](int rc, const char* what) {
      if (rc != 0) Die(std::string(what) + ": " + mdb_strerror(rc));
    };
    check(mdb_env_create(&lmdb->env), "mdb_env_create");
    check(mdb_env_set_mapsize(lmdb->env, std::max<size_t>(size_t{1} << 30,
                                                          orders() * 4096)),
          "mdb_env_set_mapsize");
    // Random reads of a hot file: no readahead. Loading is not what is
    // measured: no syncs until the end.
    check(mdb_env_open(lmdb->env, lmdb->path.c_str(),
                       MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD, 0644),
          "mdb_env_open");
    MDB_txn* txn = nullptr;
    ForEachOrder([&](uint64_t i, const Order& order) {
      if (txn == nullptr) {
        check(mdb_txn_begin(lmdb->env, nullptr, 0, &txn), "mdb_txn_begin");
        if (i == 0) check(mdb_dbi_open(txn, nullptr, 0, &lmdb->dbi), "dbi");
      }
      std::string record = internal::EncodeRecord(order);
      MDB_val key{OrderHash::kSize,
                  const_cast<uint8_t*>(order.hash.bytes().data())};
      MDB_val value{record.size(), record.data()};
      check(mdb_put(txn, lmdb->dbi, &key, &value, 0), "mdb_put");
      if ((i + 1) % kLoadChunk == 0 || i + 1 == orders()) {
        check(mdb_txn_commit(txn), "mdb_txn_commit");
        txn = nullptr;
      }
    });
    check(mdb_env_sync(lmdb->env, 1), "mdb_env_sync");
    loaded = lmdb.release();
    AtTeardown([] {
      mdb_env_close(loaded->env);
      delete loaded;
      loaded = nullptr;
    });
  }
  return *loaded;
}

}  // namespace orderstore::bench
