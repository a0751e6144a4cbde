// Java .class files (inside JARs and AARs).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/java/class_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  auto parsed = java::parse_class_file(fuzz::bytes(data, size), diags, "classes.jar!/A.class");
  fuzz::check_diagnostics(diags, "classes.jar!/A.class");
  if (parsed.ok) SDKSCOPE_FUZZ_CHECK(!parsed.cls.name.empty());
  return 0;
}
