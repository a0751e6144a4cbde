// The batch runner. Workers claim inputs in list order and scan them on the shared Scanner
// (Scanner::scan is const and holds no mutable state); the main thread emits each result once
// every earlier one has been emitted, so the output order is the input order whatever the
// scheduling. Workers stay at most `window` inputs ahead of the output, bounding buffered reports
// (and the ring they wait in) whatever the length of the list.
#include "scanner/cli/batch.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "reports/json_report.hpp"
#include "scanner/cli/batch_inputs.hpp"
#include "scanner/cli/exit_codes.hpp"
#include "scanner/cli/progress.hpp"
#include "scanner/cli/scan_session.hpp"

namespace sdkscope::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

enum class Sink { jsonl_stdout, jsonl_file, directory };

struct Plan {
  std::vector<std::string> all;        ///< every input, in list order
  std::vector<std::size_t> selected;   ///< indices into `all` this run (its shard)
  std::vector<std::string> file_names; ///< -o DIR: one per entry of `all`
  Sink sink = Sink::jsonl_stdout;
  std::string format = "json";
};

// One input's outcome, ready to emit.
struct Slot {
  enum class Kind { pending, ok, error, skipped } kind = Kind::pending;
  std::string text;   ///< the JSON Lines record, or the report for -o DIR
  std::string error;  ///< one line
  bool violation = false;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shown_path(const std::string& path, bool basename) {
  if (!basename) return path;
  auto p = fs::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

std::string compact(const ordered_json& j) { return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

// {"status":"ok", <the report's keys>}: status first, so `head -c 20` tells the two shapes apart.
std::string ok_record(const ScanResult& r) {
  ordered_json rec;
  rec["status"] = "ok";
  ordered_json report = report_to_json(r);
  for (auto& [k, v] : report.items()) rec[k] = std::move(v);
  return compact(rec);
}

std::string error_record(const std::string& path, const std::optional<std::string>& sha256, const std::string& error) {
  ordered_json rec;
  rec["status"] = "error";
  rec["input"] = {{"path", path}, {"sha256", sha256 ? ordered_json(*sha256) : ordered_json(nullptr)}};
  rec["error"] = error;
  return compact(rec);
}

// Usage checks and the input list; prints one line and returns nullopt on bad usage.
std::optional<Plan> make_plan(const ScanArgs& args) {
  Plan plan;
  plan.all = args.inputs;
  if (!args.from_list.empty()) {
    std::vector<std::string> listed;
    if (args.from_list == "-") {
      listed = parse_input_list(std::cin);
    } else {
      std::ifstream in(args.from_list);
      if (!in) {
        std::fprintf(stderr, "sdkscope: cannot read --from-list %s\n", args.from_list.c_str());
        return std::nullopt;
      }
      listed = parse_input_list(in);
    }
    plan.all.insert(plan.all.end(), listed.begin(), listed.end());
  }
  Shard shard;
  if (!args.shard.empty()) {
    auto s = parse_shard(args.shard);
    if (!s) {
      std::fprintf(stderr, "sdkscope: --shard wants K/N with 1 <= K <= N, not '%s'\n", args.shard.c_str());
      return std::nullopt;
    }
    shard = *s;
  }
  for (std::size_t i = 0; i < plan.all.size(); ++i)
    if (shard.keeps(i)) plan.selected.push_back(i);

  const std::string& out = args.output;
  std::error_code ec;
  if (out.empty() || out == "-") plan.sink = Sink::jsonl_stdout;
  else if (fs::is_directory(out, ec)) plan.sink = Sink::directory;
  else if (ends_with(out, ".jsonl") || ends_with(out, ".ndjson")) plan.sink = Sink::jsonl_file;
  else if (fs::exists(out, ec)) {
    std::fprintf(stderr, "sdkscope: -o %s exists and is not a directory (several inputs write one report each into a "
                 "directory, or JSON Lines into FILE.jsonl)\n", out.c_str());
    return std::nullopt;
  } else {
    plan.sink = Sink::directory;
  }

  plan.format = args.format.empty() ? "json" : args.format;
  if (plan.sink != Sink::directory && plan.format != "json") {
    std::fprintf(stderr, "sdkscope: a batch writes JSON Lines; use -o DIR for one %s report per input\n",
                 plan.format.c_str());
    return std::nullopt;
  }
  if (args.resume && plan.sink != Sink::jsonl_file) {
    std::fprintf(stderr, "sdkscope: --resume needs -o FILE.jsonl (the file records what is done)\n");
    return std::nullopt;
  }
  if (plan.sink == Sink::directory) {
    fs::create_directories(out, ec);
    if (!fs::is_directory(out, ec)) {
      std::fprintf(stderr, "sdkscope: cannot create directory %s\n", out.c_str());
      return std::nullopt;
    }
    plan.file_names = report_file_names(plan.all, find_report_format(plan.format)->extension);
  }
  return plan;
}

// Where JSON Lines go: stdout, or FILE.jsonl truncated (or appended to with --resume).
class LineWriter {
 public:
  bool open(const Plan& plan, const ScanArgs& args, const ResumeState& resume) {
    if (plan.sink == Sink::jsonl_stdout) {
      file_ = stdout;
      return true;
    }
    if (plan.sink != Sink::jsonl_file) return true;
    std::error_code ec;
    if (args.resume && resume.partial_tail) {
      // A line cut short by a killed run is dropped, so the file stays one JSON object per line.
      fs::resize_file(args.output, resume.complete_bytes, ec);
      if (ec) return false;
      std::fprintf(stderr, "sdkscope: %s: dropped an incomplete last line\n", args.output.c_str());
    }
    file_ = std::fopen(args.output.c_str(), args.resume ? "ab" : "wb");
    owned_ = file_ != nullptr;
    return file_ != nullptr;
  }
  // One line, flushed, so a killed run loses at most the line being written.
  bool write(const std::string& line) {
    if (!file_) return true;
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
    return std::fflush(file_) == 0 && !std::ferror(file_);
  }
  ~LineWriter() {
    if (owned_) std::fclose(file_);
  }

 private:
  FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace

bool is_batch(const ScanArgs& args) {
  return args.inputs.size() > 1 || !args.from_list.empty() || !args.shard.empty() || args.resume;
}

int run_batch(const ScanArgs& args) {
  auto plan_or = make_plan(args);
  if (!plan_or) return kExitError;
  const Plan& plan = *plan_or;
  auto session = ScanSession::open(args);
  if (!session) return kExitError;

  ResumeState resume;
  if (args.resume) resume = read_resume_state(args.output);
  LineWriter writer;
  if (!writer.open(plan, args, resume)) {
    std::fprintf(stderr, "sdkscope: cannot write %s\n", args.output.c_str());
    return kExitError;
  }

  const std::size_t n = plan.selected.size();
  unsigned jobs = args.jobs ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(n, 1)));
  const std::size_t window = std::max<std::size_t>(64, 4 * static_cast<std::size_t>(jobs));
  const bool text_color = plan.format == "text" && color_for(args.color, -1);

  // A ring: input s lives in slots[s % window] until emitted, which the window guarantees is free.
  std::vector<Slot> slots(std::min(n, window));
  std::mutex m;
  std::condition_variable slot_done, window_moved;
  std::size_t emitted = 0;
  bool stop = false;
  std::atomic<std::size_t> next{0}, finished{0};

  auto process = [&](std::size_t s) {
    Slot slot;
    const std::string& path = plan.all[plan.selected[s]];
    try {
      std::optional<std::string> sha;
      if (args.resume) {
        // Hash first: an input already in the file costs one streamed read, not a scan.
        sha = input_sha256(path);
        if (sha && resume.done.count(*sha)) {
          slot.kind = Slot::Kind::skipped;
          return slot;
        }
      }
      ScanOutcome outcome = session->scan(path);
      if (!outcome.result) {
        // The digest, when the bytes can be read, lets a failure be matched to its file later.
        if (!sha) sha = input_sha256(path);
        slot.kind = Slot::Kind::error;
        slot.error = outcome.error;
        slot.text = error_record(shown_path(path, args.basename), sha, outcome.error);
        return slot;
      }
      slot.kind = Slot::Kind::ok;
      slot.violation = violates_policy(*outcome.result);
      slot.text = plan.sink == Sink::directory ? render_report(*outcome.result, plan.format, text_color)
                                               : ok_record(*outcome.result);
    } catch (const std::exception& e) {  // out of memory while serialising, say: this input only
      slot = Slot{};
      slot.kind = Slot::Kind::error;
      slot.error = fmt::format("{}: {}", path, e.what());
      slot.text = error_record(shown_path(path, args.basename), std::nullopt, slot.error);
    }
    return slot;
  };

  auto worker = [&] {
    // With several inputs in flight each scan runs on its worker alone: N jobs use N threads,
    // not N x cores (one input at a time keeps the scanner's own threads).
    std::optional<ScopedScanThreads> one_thread;
    if (jobs > 1) one_thread.emplace(1);
    for (;;) {
      std::size_t s = next.fetch_add(1);
      if (s >= n) return;
      {
        std::unique_lock lock(m);
        window_moved.wait(lock, [&] { return stop || s < emitted + window; });
        if (stop) return;
      }
      Slot slot = process(s);
      {
        std::lock_guard lock(m);
        slots[s % window] = std::move(slot);
      }
      ++finished;
      slot_done.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < jobs && n > 0; ++t) pool.emplace_back(worker);

  ProgressBar progress(n, n > 1 && is_terminal(STDERR_FILENO));
  std::size_t ok = 0, failed = 0, skipped = 0;
  bool violation = false, output_failed = false;
  for (std::size_t s = 0; s < n; ++s) {
    Slot slot;
    {
      std::unique_lock lock(m);
      Slot& ready = slots[s % window];
      while (ready.kind == Slot::Kind::pending) {
        lock.unlock();
        progress.update(finished.load(), shown_path(plan.all[plan.selected[s]], true));
        lock.lock();
        slot_done.wait_for(lock, std::chrono::milliseconds(200), [&] { return ready.kind != Slot::Kind::pending; });
      }
      slot = std::move(ready);
      ready = Slot{};  // pending again, for input s + window
      ++emitted;
    }
    window_moved.notify_all();

    const std::string& path = plan.all[plan.selected[s]];
    switch (slot.kind) {
      case Slot::Kind::skipped:
        ++skipped;
        break;
      case Slot::Kind::error:
        ++failed;
        progress.message("sdkscope: " + slot.error);
        if (!writer.write(slot.text)) output_failed = true;
        break;
      case Slot::Kind::ok:
        ++ok;
        violation |= slot.violation;
        if (plan.sink == Sink::directory) {
          auto file = fs::path(args.output) / plan.file_names[plan.selected[s]];
          if (!write_output(file.string(), slot.text)) {
            --ok;
            ++failed;
            progress.message("sdkscope: cannot write " + file.string());
          }
        } else if (!writer.write(slot.text)) {
          output_failed = true;
        }
        break;
      case Slot::Kind::pending:
        break;
    }
    progress.update(finished.load(), shown_path(path, true), s + 1 == n);
    if (output_failed) {
      std::lock_guard lock(m);
      stop = true;
      break;
    }
  }
  window_moved.notify_all();
  // Workers past the window see `stop`; one in a scan finishes it first.
  if (output_failed) next.store(n);
  for (auto& t : pool) t.join();
  progress.finish();

  if (output_failed) {
    std::fprintf(stderr, "sdkscope: cannot write %s\n", args.output.empty() ? "stdout" : args.output.c_str());
    return kExitError;
  }
  std::string skipped_note = args.resume ? fmt::format(", {} already in {}", skipped, args.output) : "";
  std::fprintf(stderr, "sdkscope: %zu input%s: %zu scanned, %zu failed%s\n", n, n == 1 ? "" : "s", ok, failed,
               skipped_note.c_str());
  if (ok == 0 && skipped == 0 && failed > 0) return kExitError;
  return violation ? kExitViolation : kExitOk;
}

}  // namespace sdkscope::cli
