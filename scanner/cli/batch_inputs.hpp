// Batch plumbing that does not scan: input lists, shards, per-input report names, input digests
// and the done-set of a JSON Lines file being resumed (tests/cli drives them through the binary).
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sdkscope::cli {

/// Paths one per line; blank lines and lines whose first non-blank character is '#' are skipped;
/// surrounding blanks and a trailing CR are trimmed.
std::vector<std::string> parse_input_list(std::istream& in);

struct Shard {
  std::size_t k = 1, n = 1;  ///< 1-based K of N
  /// Keeps input i (0-based, in list order) when i % N == K - 1.
  bool keeps(std::size_t i) const { return i % n == k - 1; }
};
/// "K/N" with 1 <= K <= N; nullopt otherwise.
std::optional<Shard> parse_shard(std::string_view s);

/// One file name per input for `-o DIR`: the input's base name plus "." + extension
/// ("app.apk" -> "app.apk.json"). A name already taken (compared case-insensitively, for macOS
/// and Windows file systems) gets "-2", "-3" ... before the extension, in list order, so the same
/// list always gives the same names whatever the shard.
std::vector<std::string> report_file_names(const std::vector<std::string>& inputs, std::string_view extension);

/// The input's SHA-256 exactly as the engine computes input.sha256 (a file streamed; a bundle
/// directory as the sorted list of "path NUL sha256(file) NUL"), without reading a file into
/// memory. nullopt when it cannot be read.
std::optional<std::string> input_sha256(const std::string& path);

/// What a JSON Lines file already holds, for --resume.
struct ResumeState {
  std::set<std::string> done;  ///< input.sha256 of every complete line with "status":"ok"
  std::size_t lines = 0;       ///< complete lines read
  std::uint64_t complete_bytes = 0;  ///< file length up to the last newline
  bool partial_tail = false;   ///< the file ends in a line without a newline (an interrupted write)
};
/// Streams the file line by line; each line is read only as far as "status" and "input.sha256".
/// A missing file is an empty state. Lines that are not JSON objects are ignored.
ResumeState read_resume_state(const std::string& jsonl_path);

}  // namespace sdkscope::cli
