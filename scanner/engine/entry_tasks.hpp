// Parallel work inside one scan: the heavy entries of a unit (DEX files, native libraries,
// Mach-O binaries, text assets) are inflated and parsed on a small pool of threads, each into a
// ScanContext of its own, and the results join the scan's context in submission order, so the
// report is byte-identical to a sequential scan (docs/design.md, "Parallel scanning").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "scanner/engine/scan_context.hpp"

namespace sdkscope {

/// Worker threads of one scan, started on the first task (a bare DEX never starts any) and
/// joined when the scan ends. Tasks run in submission order (FIFO). Owned by Scanner::scan, so
/// concurrent scans never share one.
class TaskPool {
 public:
  explicit TaskPool(unsigned threads) : threads_(threads) {}
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  unsigned threads() const { return threads_; }
  /// Starts the workers on first use; false when not even one could start (run sequentially).
  bool start();
  /// Queues a task; only after start() returned true.
  void submit(std::function<void()> fn);

 private:
  void work();
  unsigned threads_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> workers_;
  bool started_ = false;
  bool stop_ = false;
};

/// Moves everything a task context gathered into `parent`, rebasing location indexes: evidence,
/// check hits, diagnostics, statistics, counters, filtered endpoints, the iOS symbol and selector
/// uses, encrypted code and binaries. `budget_base` is the ReadBudget total the task started from.
void merge_task_context(ScanContext& parent, ScanContext&& child, std::uint64_t budget_base);

/// An ordered group of tasks over one unit. Without a pool (threads = 1) every call runs at
/// once on the parent context, which is the sequential scan. With one, run() queues the work on
/// a child context and returns; results merge into the parent in call order, as a prefix of
/// finished tasks (so at most ~2x threads results wait) and at finish().
///
/// Rules for callers, which keep the two paths identical:
///  - a task writes only the mergeable parts of its context (see merge_task_context) and reads
///    only what no task writes (options, the database, the archive);
///  - code between tasks that writes mergeable parts does so through here() (or now()), so its
///    writes land between the tasks before and after it;
///  - `reads` is the most bytes the work inflates (the sum of the claimed sizes of the entries it
///    reads). It keeps the max_total_bytes limit exact: when the tasks in flight could take the
///    budget past the limit, the group drains and the work runs on the parent, in order.
class EntryTasks {
 public:
  explicit EntryTasks(ScanContext& parent) : parent_(parent) {}
  ~EntryTasks();
  EntryTasks(const EntryTasks&) = delete;
  EntryTasks& operator=(const EntryTasks&) = delete;

  /// Heavy work: queued on the pool (or run now without one).
  void run(std::uint64_t reads, std::function<void(ScanContext&)> fn);
  /// Light work, run now on the calling thread, landing in order with the tasks around it.
  void now(std::uint64_t reads, const std::function<void(ScanContext&)>& fn);
  /// The context code between tasks writes mergeable state to: the parent when nothing is in
  /// flight, else an inline slot that merges in order. Valid until the next call on the group.
  ScanContext& here();
  /// Waits for every task and merges them all, in order. Rethrows the first task's exception.
  void finish();

 private:
  struct Slot {
    std::unique_ptr<ScanContext> ctx;
    std::uint64_t base = 0;   // ReadBudget total the slot started from
    std::uint64_t reads = 0;  // most bytes it may still add (tasks), 0 for inline slots
    bool inline_slot = false;
    bool done = false;
    std::exception_ptr error;
  };
  bool parallel() const { return parent_.pool != nullptr; }
  std::unique_ptr<ScanContext> child(std::uint64_t base) const;
  /// Most bytes the budget can hold once every slot in flight has finished.
  std::uint64_t budget_bound() const;
  /// Merges finished slots at the front; with `wait_front`, waits for the first one first.
  void merge_ready(bool wait_front);
  void wait_all() noexcept;

  ScanContext& parent_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Slot>> slots_;
  std::exception_ptr first_error_;
};

}  // namespace sdkscope
