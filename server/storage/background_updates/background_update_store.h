// BackgroundUpdateStore: the queue of background updates, and the record of applied schema
// deltas that the admin API's schema report lists beside it.
// Tables: background_updates, applied_schema_deltas (read).
//
// Promises: every call runs on the Connection it is given, inside whatever transaction the
// caller holds there; a missing row is an empty optional or an empty list, never an exception;
// SQL errors throw storage::DatabaseError. The store needs only the engine from its options,
// so the updater can make one for any connection, even on a schema that is not prepared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/store_options.h"

namespace strata::storage {

// One row of background_updates.
struct QueuedUpdate {
  std::string name;
  std::string progress_json;
  std::optional<std::string> depends_on;
  int ordering = 0;
};

// An index a background update builds (Synapse's register_background_index_update).
struct IndexDefinition {
  const char* index;            // the index's name
  const char* table;            // the table it indexes
  const char* columns;          // column list, as written inside the parentheses
  const char* where = nullptr;  // partial-index predicate (PostgreSQL only)
  bool unique = false;
  bool psql_only = false;  // SQLite gets no index at all
};

// An update's name and what it depends on ("" or NULL: nothing).
struct UpdateDependency {
  std::string name;
  std::optional<std::string> depends_on;
};

class BackgroundUpdateStore {
 public:
  explicit BackgroundUpdateStore(const StoreOptions& options);

  // Every row, by (ordering, update_name); before background_updates.ordering existed (1.13)
  // in the engine's natural row order with ordering 0. Empty if the table does not exist.
  // The columns are looked up per call: a running upgrade adds them between calls.
  std::vector<QueuedUpdate> List(Connection& conn) const;
  // Names and dependencies in the engine's natural row order (what pre-1.13 round robin used).
  std::vector<UpdateDependency> InNaturalOrder(Connection& conn) const;
  // Names and dependencies by (ordering, update_name). REQUIRES: the ordering column (1.13).
  std::vector<UpdateDependency> InOrdering(Connection& conn) const;
  // Every update name, alphabetically.
  std::vector<std::string> Names(Connection& conn) const;
  bool IsQueued(Connection& conn, const std::string& name) const;
  // The update's progress_json; nullopt if it is not queued.
  std::optional<std::string> Progress(Connection& conn, const std::string& name) const;

  // Writes: REQUIRES a writer connection; the runner calls them inside the batch's transaction.
  // Queues `name` with progress '{}'. Throws DatabaseError if it is already queued.
  void Queue(Connection& conn, const std::string& name,
             const std::optional<std::string>& depends_on) const;
  void SaveProgress(Connection& conn, const std::string& name,
                    const std::string& progress_json) const;
  // The update's row leaves the table (it ended).
  void Remove(Connection& conn, const std::string& name) const;

  // Builds `index` in this engine's form (sqlite/ and postgres/ say how they differ).
  // REQUIRES: a writer connection.
  void BuildIndex(Connection& conn, const IndexDefinition& index) const;

  // applied_schema_deltas' files, by (version, file).
  std::vector<std::string> AppliedDeltaFiles(Connection& conn) const;

 private:
  std::string natural_order_;
  void (*build_index_)(Connection&, const IndexDefinition&);
};

}  // namespace strata::storage
