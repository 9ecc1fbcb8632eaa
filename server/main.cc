#include <iostream>

int main() {
  std::cout << "strata " << STRATA_VERSION << "\n";
  return 0;
}
