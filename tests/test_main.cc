#include <cstdlib>
#include <iostream>

#include "crypto/sodium_util.h"
#include "gtest/gtest.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (auto s = handover::crypto::InitSodium(); !s.ok()) {
    std::cerr << s << "\n";
    return EXIT_FAILURE;
  }
  return RUN_ALL_TESTS();
}
