// Replays fuzz inputs without libFuzzer: links one target's LLVMFuzzerTestOneInput and runs it
// on every file of the directories (or files) given, so the normal build (g++, CTest) re-checks
// each committed corpus and crash reproducer. A crash, sanitizer report or hang fails the test.
// Usage: fuzz_replay_<target> DIR_OR_FILE...   (missing directories count as empty)
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

// libFuzzer's own per-input bound in our campaigns is 10 s; the replay build may be sanitized
// and the machine shared, so allow more before calling it a hang.
constexpr unsigned kSecondsPerInput = 60;

bool replayable(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] != '.' && name != "README.md";
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    const std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(arg, ec))
        if (e.is_regular_file() && replayable(e.path())) files.push_back(e.path());
    } else if (std::filesystem::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: %s: absent, skipped\n", argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs (an empty corpus checks nothing)\n");
    return 1;
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "replay: cannot read %s\n", f.c_str());
      return 1;
    }
    std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // Named before running, so a crash report says which input it was.
    std::fprintf(stderr, "replay: %s\n", f.c_str());
    ::alarm(kSecondsPerInput);  // default SIGALRM action ends the process: a hang fails the test
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    ::alarm(0);
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
