// ReceiptStore: read receipts.
// Tables: receipts_linearized, receipts_graph.
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError.
#pragma once

#include "storage/store_options.h"

namespace strata::storage {

class ReceiptStore {
 public:
  explicit ReceiptStore(const StoreOptions& options);

 private:
  StoreOptions options_;
};

}  // namespace strata::storage
