// `diff OLD NEW`: each side a saved JSON report (recognised by content) or an app to scan.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "reports/diff.hpp"
#include "reports/json_read.hpp"
#include "scanner/cli/commands.hpp"
#include "scanner/cli/exit_codes.hpp"
#include "scanner/cli/scan_session.hpp"
#include "scanner/engine/scanner.hpp"

namespace sdkscope::cli {

namespace {

// A saved report larger than this is not one of ours (the largest corpus report is a few MB).
constexpr std::uintmax_t kMaxReportBytes = 1ull << 30;

// The first bytes of a regular file; "" for directories (an .app bundle) and unreadable files.
std::string head(const std::string& path, std::size_t n) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  std::string buf(n, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(n));
  buf.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return buf;
}

struct Side {
  std::optional<ScanResult> result;
  std::string error;
};

Side read_report(const std::string& path) {
  Side side;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxReportBytes) {
    side.error = path + ": cannot read the report" + (ec ? "" : " (over 1 GiB)");
    return side;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (!in) {
    side.error = path + ": cannot read the report";
    return side;
  }
  std::string err;
  side.result = read_json_report(text, err);
  if (!side.result) side.error = path + ": " + err;
  return side;
}

}  // namespace

int run_diff(const DiffArgs& args) {
  std::vector<DiffCondition> conditions;
  for (const auto& name : args.fail_on) {
    auto c = parse_diff_condition(name);
    if (!c) {  // CLI11 checks the names too; this guards callers that skip it
      std::fprintf(stderr, "sdkscope: unknown --fail-on condition '%s'\n", name.c_str());
      return kExitError;
    }
    conditions.push_back(*c);
  }

  const std::string* paths[2] = {&args.old_path, &args.new_path};
  bool is_report[2];
  for (int i = 0; i < 2; ++i) is_report[i] = looks_like_json_report(head(*paths[i], 4096));

  std::unique_ptr<ScanSession> session;
  if (!is_report[0] || !is_report[1]) {
    session = ScanSession::open(args.scan);
    if (!session) return kExitError;
  }
  Side sides[2];
  auto load = [&](int i) {
    if (is_report[i]) {
      sides[i] = read_report(*paths[i]);
      return;
    }
    // Both sides scan at once: each gets half of the hardware threads, not all of them.
    ScopedScanThreads cap(ScopedScanThreads::share_of_cores(2));
    ScanOutcome o = session->scan(*paths[i]);
    sides[i].result = std::move(o.result);
    sides[i].error = std::move(o.error);
  };
  {
    // The two sides are independent; Scanner::scan is safe from two threads.
    std::thread other([&] { load(0); });
    load(1);
    other.join();
  }
  for (const auto& s : sides)
    if (!s.result) {
      std::fprintf(stderr, "sdkscope: %s\n", s.error.c_str());
      return kExitError;
    }

  ScanDiff d = diff_results(*sides[0].result, *sides[1].result);
  std::vector<DiffCondition> met;
  for (auto c : conditions)
    if (diff_meets(d, c) && std::find(met.begin(), met.end(), c) == met.end()) met.push_back(c);

  bool to_stdout = args.output.empty() || args.output == "-";
  std::string text = args.format == "json" ? write_diff_json(d, met)
                     : args.format == "md" ? write_diff_markdown(d, met)
                                           : write_diff_text(d, met, color_for(args.color, to_stdout ? STDOUT_FILENO : -1));
  if (!write_output(args.output, text)) {
    std::fprintf(stderr, "sdkscope: cannot write %s\n", to_stdout ? "stdout" : args.output.c_str());
    return kExitError;
  }
  return met.empty() ? kExitOk : kExitViolation;
}

}  // namespace sdkscope::cli
