#include "server/scan_queue.hpp"

#include <algorithm>

namespace sdkscope::server {

ScanQueue::ScanQueue(unsigned workers, std::size_t capacity, Runner run)
    : run_(std::move(run)), capacity_(std::max<std::size_t>(capacity, 1)), workers_(std::max(workers, 1u)) {
  threads_.reserve(workers_);
  for (unsigned i = 0; i < workers_; ++i) threads_.emplace_back([this] { work(); });
}

ScanQueue::~ScanQueue() { stop(); }

bool ScanQueue::reserve() {
  std::lock_guard lock(mu_);
  if (stopping_ || jobs_.size() + reserved_ >= capacity_) return false;
  ++reserved_;
  return true;
}

void ScanQueue::release() {
  std::lock_guard lock(mu_);
  if (reserved_ > 0) --reserved_;
}

bool ScanQueue::submit(ScanJob job) {
  {
    std::lock_guard lock(mu_);
    if (reserved_ > 0) --reserved_;
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

bool ScanQueue::submit_unreserved(ScanJob job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

std::vector<ScanJob> ScanQueue::stop() {
  std::vector<ScanJob> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    while (!jobs_.empty()) {
      left.push_back(std::move(jobs_.front()));
      jobs_.pop_front();
    }
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  return left;
}

ScanQueue::Stats ScanQueue::stats() const {
  std::lock_guard lock(mu_);
  return {jobs_.size(), reserved_, running_, capacity_, workers_};
}

bool ScanQueue::full() const {
  std::lock_guard lock(mu_);
  return stopping_ || jobs_.size() + reserved_ >= capacity_;
}

void ScanQueue::work() {
  for (;;) {
    ScanJob job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;  // waiting jobs are handed back by stop()
      job = std::move(jobs_.front());
      jobs_.pop_front();
      ++running_;
    }
    run_(job);  // never throws: the runner records its own failures
    {
      std::lock_guard lock(mu_);
      --running_;
    }
  }
}

}  // namespace sdkscope::server
