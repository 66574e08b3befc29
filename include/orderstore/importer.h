// Importer: an import of any size in bounded memory, all or nothing.
//
// Store::Import lands a WriteBatch the caller holds whole; a monthly export
// of ten million orders would need gigabytes for it. An Importer takes the
// orders one at a time instead and writes them in parts of a bounded size
// (ImportOptions::part_bytes) as sorted table files beside the store, on a
// thread of its own while the caller goes on reading its input; Finish
// adds every part to the store in one atomic, durable step. Destroying an
// Importer before Finish stores nothing.
//
//   Importer importer(*store);
//   for (const Order& order : orders) {
//     if (Status s = importer.Put(order); !s.ok()) return s;  // invalid
//   }
//   return importer.Finish();
//
// Thread safety: one thread at a time. From the first part written until
// Finish returns or the Importer is destroyed, every other write to the
// store waits (as during Store::Import); reads go on, and see none of the
// import until Finish has landed all of it. Lifetime: must be destroyed
// before its Store.
#ifndef ORDERSTORE_IMPORTER_H_
#define ORDERSTORE_IMPORTER_H_

#include <cstddef>
#include <memory>

#include "orderstore/export.h"
#include "orderstore/order.h"
#include "orderstore/status.h"
#include "orderstore/store.h"

namespace orderstore {

// How an Importer divides its work.
struct ImportOptions {
  // How many bytes of encoded records a part holds before it is written.
  // An import holds at most two parts at a time (one being written, one
  // being filled), each taking about three times its records' bytes while
  // it is planned and written, plus 8 bytes per order imported so far: the
  // default keeps a ten-million-order import under 1 GB. Larger parts mean
  // fewer table files for the store's compactions to merge.
  size_t part_bytes = size_t{96} << 20;
};

// One import into a store, all or nothing, in bounded memory (above).
class ORDERSTORE_EXPORT Importer {
 public:
  // An import into `store`, nothing held or written yet.
  explicit Importer(Store& store, const ImportOptions& options = {});
  // Without a successful Finish: waits for the part being written, removes
  // every file written, and leaves the store as it was.
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  // Adds `order`, replacing any stored order with the same hash; a later
  // Put or Create of one hash wins over an earlier one. InvalidArgument
  // (see ValidateOrder, naming the order) adds nothing and leaves the
  // import usable. A store error (IOError, or InvalidArgument for a store
  // opened read-only) fails the import: Finish then returns it too.
  Status Put(const Order& order);
  // Adds the create of `order` (see WriteBatch::Create): stored only if
  // the store held no order with its hash before the import. Errors as Put.
  Status Create(const Order& order);

  // Lands every order added so far, all or nothing, durably (as
  // Store::Import does; an import of fewer than 10,000 orders goes
  // through Store::Write, which adds no table files). A create that found
  // a different stored order fails it with AlreadyExists (see Store::Write;
  // `outcome` lists every conflict), nothing stored. IOError on failure,
  // nothing stored. Call at most once; the Importer takes nothing after.
  Status Finish(WriteOutcome* outcome = nullptr);

  // How many parts were written so far, and the most bytes of encoded
  // records held at any one time (the parts being filled and written): the
  // import's own account of its memory, for tests and tools.
  size_t parts() const;
  size_t peak_record_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace orderstore

#endif  // ORDERSTORE_IMPORTER_H_
