// DEX images (classes*.dex, v35..v41 containers).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.hpp"
#include "scanner/dex/dex_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sdkscope;
  Diagnostics diags;
  dex::DexLimits limits;
  // Call tracking as the checks use it (exact owners and "*.name"), so the register-constant
  // walk (dalvik::RegisterConstants) is fuzzed too.
  static const dex::DexOptions options{{"android.content.Context.openFileOutput", "*.getSharedPreferences",
                                        "java.io.File.setReadable", "*.a", "*.<init>"}};
  auto parsed = dex::parse_dex(fuzz::bytes(data, size), diags, "classes.dex", limits, options);
  fuzz::check_diagnostics(diags, "classes.dex");
  const auto& d = parsed.dex;
  SDKSCOPE_FUZZ_CHECK(d.classes.size() == d.superclasses.size());
  for (const auto& u : d.string_uses) {
    SDKSCOPE_FUZZ_CHECK(u.string_idx < d.strings.size());
    SDKSCOPE_FUZZ_CHECK(u.class_idx < d.classes.size());
  }
  for (const auto& u : d.method_uses) {
    SDKSCOPE_FUZZ_CHECK(u.class_idx < d.classes.size());
    SDKSCOPE_FUZZ_CHECK(u.ref_idx < d.method_refs.size());
  }
  for (const auto& u : d.field_uses) {
    SDKSCOPE_FUZZ_CHECK(u.class_idx < d.classes.size());
    SDKSCOPE_FUZZ_CHECK(u.ref_idx < d.field_refs.size());
  }
  SDKSCOPE_FUZZ_CHECK(d.call_args.size() <= limits.max_call_args);
  for (const auto& c : d.call_args) {
    SDKSCOPE_FUZZ_CHECK(c.method_idx < d.method_refs.size());
    SDKSCOPE_FUZZ_CHECK(c.class_idx < d.classes.size());
    SDKSCOPE_FUZZ_CHECK(c.count <= c.args.size());
  }
  return 0;
}
