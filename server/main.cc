// strata: the homeserver. Everything lives in strata_core; see app/homeserver_main.h.
#include "app/homeserver_main.h"

int main(int argc, char** argv) {
  return strata::app::HomeserverMain(argc, argv);
}
