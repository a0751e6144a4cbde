#include "scanner/cli/progress.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace sdkscope::cli {

namespace {

// The rate is measured over the last few seconds, so it follows slow and fast stretches.
constexpr auto kRateWindow = std::chrono::seconds(10);
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr std::size_t kBarWidth = 24;
constexpr std::size_t kNameWidth = 40;

std::string clock_time(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

std::string ProgressBar::render(std::size_t done, const std::string& current, Clock::time_point now) {
  samples_.emplace_back(now, done);
  while (samples_.size() > 2 && now - samples_.front().first > kRateWindow) samples_.pop_front();
  double rate = 0;
  if (samples_.size() >= 2) {
    double secs = std::chrono::duration<double>(now - samples_.front().first).count();
    if (secs > 0) rate = static_cast<double>(done - samples_.front().second) / secs;
  }
  if (rate == 0 && done > 0) {  // no completion in the window yet: the average so far
    double secs = std::chrono::duration<double>(now - start_).count();
    if (secs > 0) rate = static_cast<double>(done) / secs;
  }
  std::size_t filled = total_ ? done * kBarWidth / total_ : kBarWidth;
  std::string bar = std::string(filled, '#') + std::string(kBarWidth - filled, '.');
  std::string eta = rate > 0 && done < total_ ? clock_time(static_cast<double>(total_ - done) / rate) : "-";
  std::string name = current;
  if (name.size() > kNameWidth) name = "..." + name.substr(name.size() - (kNameWidth - 3));
  return fmt::format("[{}] {}/{}  {:.1f}/s  ETA {}  {}", bar, done, total_, rate, eta, name);
}

void ProgressBar::update(std::size_t done, const std::string& current, bool force) {
  done_ = done;
  current_ = current;
  if (!enabled_) return;
  auto now = Clock::now();
  if (!force && drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  drawn_ = true;
  // \x1b[K erases what a longer previous line left behind.
  std::fprintf(stderr, "\r%s\x1b[K", render(done, current, now).c_str());
  std::fflush(stderr);
}

void ProgressBar::message(const std::string& line) {
  if (enabled_ && drawn_) std::fputs("\r\x1b[K", stderr);
  std::fprintf(stderr, "%s\n", line.c_str());
  if (enabled_ && drawn_) update(done_, current_, true);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (enabled_ && drawn_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
  }
  drawn_ = false;
}

}  // namespace sdkscope::cli
