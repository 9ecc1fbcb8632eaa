#include "background/update_handler.h"

namespace strata::background {

const HandlerRegistry& HandlerRegistry::Builtin() {
  static const HandlerRegistry registry = [] {
    HandlerRegistry r;
    RegisterIndexUpdates(r);
    RegisterDataFillUpdates(r);
    RegisterMembershipUpdates(r);
    RegisterStatsUpdates(r);
    return r;
  }();
  return registry;
}

}  // namespace strata::background
