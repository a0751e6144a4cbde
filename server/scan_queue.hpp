// The scan workers: a fixed pool of threads (--jobs) taking jobs from a bounded queue. A request
// reserves a place before it reads its upload, so a full queue answers 429 without taking the
// bytes; a reservation becomes a job or is released.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/upload.hpp"

namespace sdkscope::server {

struct ScanJob {
  std::string id;
  std::string display_name;          ///< the upload's (sanitised) file name, for the report
  std::optional<TempUpload> upload;  ///< the anonymous file, when the job came from a request
  std::string path;                  ///< what the scanner opens (upload->path() or a kept upload)
  bool kept = false;                 ///< the upload is also in --keep-uploads DIR (a restart can rerun it)
};

class ScanQueue {
 public:
  using Runner = std::function<void(ScanJob&)>;

  /// `workers` threads (at least 1); at most `capacity` jobs waiting (reserved places included).
  ScanQueue(unsigned workers, std::size_t capacity, Runner run);
  ~ScanQueue();
  ScanQueue(const ScanQueue&) = delete;
  ScanQueue& operator=(const ScanQueue&) = delete;

  /// Takes a place in the queue; false when it is full or stopping.
  bool reserve();
  /// Gives a reserved place back unused.
  void release();
  /// Queues a job in a reserved place. False (and the job dropped) when the queue is stopping.
  bool submit(ScanJob job);
  /// Queues a job without a reservation (restart recovery may exceed the capacity).
  bool submit_unreserved(ScanJob job);

  /// Stops taking jobs, lets the running ones finish, joins the workers. Jobs still waiting are
  /// returned (their ids stay queued in storage). Idempotent.
  std::vector<ScanJob> stop();

  struct Stats {
    std::size_t waiting = 0, reserved = 0, running = 0, capacity = 0;
    unsigned workers = 0;
  };
  Stats stats() const;
  /// True when a reservation would fail now.
  bool full() const;

 private:
  void work();

  Runner run_;
  std::size_t capacity_;
  unsigned workers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ScanJob> jobs_;
  std::size_t reserved_ = 0, running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sdkscope::server
