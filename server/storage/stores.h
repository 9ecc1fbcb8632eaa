// Stores: every store of one database, one per data area. Each area's folder under storage/
// holds its store: the header says what each call reads and writes, the .cc holds the SQL as
// named constants, and sqlite/ and postgres/ beside it hold SQL only where the engines differ.
//
// Promises:
//  - The stores are made once per database (StoreOptions are read then) and are immutable
//    and thread-safe afterwards: the caller passes the Connection, and so the transaction,
//    to every call.
//  - Only stores (and the schema layer) hold SQL; handlers, HTTP, app and the harness call them.
#pragma once

#include <memory>

#include "storage/store_options.h"

namespace strata::storage {

class AccountDataStore;
class Connection;
class BackgroundUpdateStore;
class DeviceStore;
class DirectoryStore;
class EventStore;
class FilterStore;
class MembershipStore;
class ProfileStore;
class ReceiptStore;
class RoomListing;
class RoomStore;
class StateStore;
class TokenCache;
class StatsStore;
class UserDirectoryStore;
class UserListing;
class UserStore;

struct Stores {
  explicit Stores(const StoreOptions& options);
  ~Stores();
  Stores(const Stores&) = delete;
  Stores& operator=(const Stores&) = delete;

  // Forgets what the stores' caches hold (events, current state, memberships): now and when
  // `conn`'s transaction ends, or now only, after writes committed on a connection the stores
  // did not see (a background update's batch).
  void ForgetCached(Connection& conn) const;
  void ForgetCachedNow() const;

  const StoreOptions options;
  // Access tokens looked up, shared by users and user_listing (declared first: made first).
  const std::shared_ptr<TokenCache> token_cache;
  const std::unique_ptr<const AccountDataStore> account_data;
  const std::unique_ptr<const BackgroundUpdateStore> background_updates;
  const std::unique_ptr<const DeviceStore> devices;
  const std::unique_ptr<const DirectoryStore> directory;
  const std::unique_ptr<const EventStore> events;
  const std::unique_ptr<const FilterStore> filters;
  const std::unique_ptr<const MembershipStore> membership;
  const std::unique_ptr<const ProfileStore> profiles;
  const std::unique_ptr<const ReceiptStore> receipts;
  const std::unique_ptr<const RoomStore> rooms;
  const std::unique_ptr<const StateStore> state;
  const std::unique_ptr<const StatsStore> stats;
  const std::unique_ptr<const UserDirectoryStore> user_directory;
  const std::unique_ptr<const UserStore> users;
  // The admin API's listings.
  const std::unique_ptr<const UserListing> user_listing;
  const std::unique_ptr<const RoomListing> room_listing;
};

}  // namespace strata::storage
