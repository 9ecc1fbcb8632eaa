#include "storage/receipts/receipt_store.h"

namespace strata::storage {

ReceiptStore::ReceiptStore(const StoreOptions& options) : options_(options) {}

}  // namespace strata::storage
