#include "storage/stores.h"

#include "storage/account_data/account_data_store.h"
#include "storage/background_updates/background_update_store.h"
#include "storage/devices/device_store.h"
#include "storage/directory/directory_store.h"
#include "storage/events/event_store.h"
#include "storage/filters/filter_store.h"
#include "storage/membership/membership_store.h"
#include "storage/profiles/profile_store.h"
#include "storage/receipts/receipt_store.h"
#include "storage/rooms/room_listing.h"
#include "storage/rooms/room_store.h"
#include "storage/state/state_store.h"
#include "storage/stats/stats_store.h"
#include "storage/user_directory/user_directory_store.h"
#include "storage/users/user_listing.h"
#include "storage/users/user_store.h"

namespace strata::storage {

StoreOptions StoreOptions::Read(Connection& conn, bool legacy_stats) {
  return StoreOptions{conn.engine(), SchemaFeatures::Read(conn), legacy_stats};
}

Stores::Stores(const StoreOptions& o)
    : options(o),
      token_cache(std::make_shared<TokenCache>()),
      account_data(std::make_unique<AccountDataStore>(o)),
      background_updates(std::make_unique<BackgroundUpdateStore>(o)),
      devices(std::make_unique<DeviceStore>(o)),
      directory(std::make_unique<DirectoryStore>(o)),
      events(std::make_unique<EventStore>(o)),
      filters(std::make_unique<FilterStore>(o)),
      membership(std::make_unique<MembershipStore>(o)),
      profiles(std::make_unique<ProfileStore>(o)),
      receipts(std::make_unique<ReceiptStore>(o)),
      rooms(std::make_unique<RoomStore>(o)),
      state(std::make_unique<StateStore>(o)),
      stats(std::make_unique<StatsStore>(o)),
      user_directory(std::make_unique<UserDirectoryStore>(o)),
      users(std::make_unique<UserStore>(o, token_cache)),
      user_listing(std::make_unique<UserListing>(o, token_cache)),
      room_listing(
          std::make_unique<RoomListing>(o, [this](Connection& conn) { ForgetCached(conn); })) {}

void Stores::ForgetCached(Connection& conn) const {
  events->ForgetCached(conn);
  state->ForgetCached(conn);
  membership->ForgetCached(conn);
  receipts->ForgetCached(conn);
  account_data->ForgetCached(conn);
}

void Stores::ForgetCachedNow() const {
  events->ForgetCachedNow();
  state->ForgetCachedNow();
  membership->ForgetCachedNow();
  receipts->ForgetCachedNow();
  account_data->ForgetCachedNow();
}

Stores::~Stores() = default;

}  // namespace strata::storage
