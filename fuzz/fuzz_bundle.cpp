// The zip layer (APK, AAB, IPA, JAR, AAR, split sets): open an archive held in memory (nested
// archives) and one on disk (the top-level input, through a memfd), list the entries and read
// each under the default limits, opening zips found inside up to two levels deep.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.hpp"
#include "scanner/bundle/archive.hpp"

namespace {

using namespace sdkscope;

void walk(const Archive& a, const Limits& limits, ReadBudget& budget, Diagnostics& diags, int depth) {
  for (const auto& e : a.entries()) {
    auto idx = a.find(e.name);
    SDKSCOPE_FUZZ_CHECK(idx.has_value());
    if (e.is_directory) continue;
    const std::uint64_t before = budget.total_bytes;
    auto bytes = a.read(e, limits, budget, diags, e.name);
    if (!bytes) continue;
    SDKSCOPE_FUZZ_CHECK(bytes->size() <= e.size);
    SDKSCOPE_FUZZ_CHECK(bytes->size() <= limits.max_entry_bytes);
    SDKSCOPE_FUZZ_CHECK(budget.total_bytes == before + bytes->size());
    if (depth < 2 && looks_like_zip(*bytes) && ++budget.nested_archives <= limits.max_nested_archives) {
      auto data = std::make_shared<const std::vector<std::uint8_t>>(std::move(*bytes));
      std::string err;
      if (auto inner = Archive::open(data, limits, diags, e.name, &err)) walk(*inner, limits, budget, diags, depth + 1);
      else SDKSCOPE_FUZZ_CHECK(!err.empty());
    }
  }
}

/// The input as a file for Archive::open_file: one memfd, rewritten for every input.
std::string memfd_path(const std::uint8_t* data, std::size_t size) {
  static int fd = ::memfd_create("sdkscope-fuzz-zip", MFD_CLOEXEC);
  if (fd < 0) return {};
  if (::ftruncate(fd, 0) != 0) return {};
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) return {};
    done += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Limits limits;
  {
    Diagnostics diags;
    ReadBudget budget;
    auto buf = std::make_shared<const std::vector<std::uint8_t>>(data, data + size);
    std::string err;
    if (auto a = Archive::open(buf, limits, diags, "", &err)) {
      SDKSCOPE_FUZZ_CHECK(a->entries().size() <= limits.max_entries);
      walk(*a, limits, budget, diags, 0);
    } else {
      SDKSCOPE_FUZZ_CHECK(!err.empty());
    }
    SDKSCOPE_FUZZ_CHECK(budget.total_bytes <= limits.max_total_bytes);
  }
  // The top-level input takes the file path (libzip reads the central directory, then entries).
  if (looks_like_zip(fuzz::bytes(data, size))) {
    const std::string path = memfd_path(data, size);
    if (path.empty()) return 0;
    Diagnostics diags;
    ReadBudget budget;
    std::string err;
    if (auto a = Archive::open_file(path, limits, diags, &err)) walk(*a, limits, budget, diags, 1);
    else SDKSCOPE_FUZZ_CHECK(!err.empty());
  }
  return 0;
}
