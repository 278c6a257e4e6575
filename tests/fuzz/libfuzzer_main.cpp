// The libFuzzer entry point of one target, chosen at compile time with
// -DCRUD_FUZZ_TARGET=<name from targets.h> (see CMakeLists.txt).
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0 ? 1 : 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crud::fuzz::CRUD_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
