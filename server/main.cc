// strata: the homeserver. Everything lives in strata_core; see app/homeserver_main.h.
#include "app/homeserver_main.h"

// jemalloc's start-up options (server/CMakeLists.txt links it; an admin's MALLOC_CONF still
// wins). One arena per CPU rather than per thread, and purging on a background thread: with
// 10,000 held polls this held 107 MiB against 142 MiB on the defaults, and a woken crowd was
// not slower (bench/RESULTS.md). Unused when the server is built without jemalloc.
extern "C" {
// NOLINTNEXTLINE: the name jemalloc looks for.
const char* malloc_conf = "background_thread:true,percpu_arena:percpu";
}

int main(int argc, char** argv) {
  return strata::app::HomeserverMain(argc, argv);
}
