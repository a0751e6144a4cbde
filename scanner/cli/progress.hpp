// A one-line progress bar on stderr for batch scans: done/total, the current rate, ETA. Redrawn
// in place with '\r'; the caller creates it only when stderr is a terminal.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <utility>

namespace sdkscope::cli {

class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ProgressBar(std::size_t total, bool enabled) : total_(total), enabled_(enabled), start_(Clock::now()) {}

  /// Records progress and redraws (at most ~10 times a second unless `force`).
  void update(std::size_t done, const std::string& current, bool force = false);
  /// Prints a line above the bar (an error), then redraws the bar below it.
  void message(const std::string& line);
  /// Erases the bar, leaving the cursor at the start of an empty line.
  void finish();

  /// The text of the bar for `done` items at `now` (no escape codes).
  std::string render(std::size_t done, const std::string& current, Clock::time_point now);

 private:
  std::size_t total_;
  bool enabled_;
  Clock::time_point start_, last_draw_{};
  std::deque<std::pair<Clock::time_point, std::size_t>> samples_;  ///< for the current rate
  std::size_t done_ = 0;
  std::string current_;
  bool drawn_ = false;
};

}  // namespace sdkscope::cli
