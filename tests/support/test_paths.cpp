#include "support/test_paths.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/wait.h>

namespace sdkscope::test {

std::filesystem::path source_dir() { return SDKSCOPE_SOURCE_DIR; }
std::filesystem::path build_dir() { return SDKSCOPE_BINARY_DIR; }
std::filesystem::path testdata(const std::string& rel) { return source_dir() / "testdata" / rel; }

std::optional<std::filesystem::path> corpus_dir() {
  if (const char* env = std::getenv("SDKSCOPE_CORPUS"); env && *env) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  auto p = source_dir().parent_path() / "shared" / "corpus";
  if (std::filesystem::is_directory(p / "android")) return p;
  return std::nullopt;
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string run(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + cmd);
  std::array<char, 65536> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace sdkscope::test
