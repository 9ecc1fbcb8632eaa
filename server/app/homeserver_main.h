// The `strata` program: command line -> config and start-up checks -> database and its checks
// -> schema preparation (with the listeners answering 503 and progress meanwhile) -> serving,
// with background updates run politely alongside, until SIGTERM or SIGINT.
#pragma once

namespace strata::app {

// Returns the process exit status: 0 ok, 1 refused or failed, 2 bad command line.
int HomeserverMain(int argc, char** argv);

}  // namespace strata::app
