// Where tests find the repository, generated fixtures, the build tree and the shared corpus.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>
#include <cstdint>

namespace sdkscope::test {

/// The repository root (compile-time path).
std::filesystem::path source_dir();
/// The CMake build directory (where the sdkscope binary lives).
std::filesystem::path build_dir();
/// testdata/<rel> inside the repository.
std::filesystem::path testdata(const std::string& rel);
/// ../shared/corpus next to the repository, or SDKSCOPE_CORPUS from the environment;
/// nullopt when absent, so corpus tests can skip cleanly.
std::optional<std::filesystem::path> corpus_dir();
/// Reads a whole file; throws std::runtime_error when it cannot.
std::vector<std::uint8_t> read_file(const std::filesystem::path& p);
/// Runs a shell command and returns its stdout; sets *exit_code when given.
std::string run(const std::string& cmd, int* exit_code = nullptr);

}  // namespace sdkscope::test
