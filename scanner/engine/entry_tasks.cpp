#include "scanner/engine/entry_tasks.hpp"

#include <system_error>
#include <utility>

#include "scanner/util/append.hpp"

namespace sdkscope {

TaskPool::~TaskPool() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

bool TaskPool::start() {
  std::lock_guard lock(m_);
  if (!started_) {
    // Threads start with the first task: inputs without heavy entries never pay for them. When
    // the system refuses threads, the ones started do the work; with none, the scan runs
    // sequentially (EntryTasks), never fails for it.
    started_ = true;
    for (unsigned i = 0; i < threads_; ++i) {
      try {
        workers_.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        break;
      }
    }
  }
  return !workers_.empty();
}

void TaskPool::submit(std::function<void()> fn) {
  {
    std::lock_guard lock(m_);
    queue_.push_back(std::move(fn));  // only after start() returned true: a worker will run it
  }
  cv_.notify_one();
}

void TaskPool::work() {
  for (;;) {
    std::function<void()> fn;
    {
      std::unique_lock lock(m_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_ and nothing left
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    fn();  // EntryTasks wraps every task in a try: nothing escapes here
  }
}

void merge_task_context(ScanContext& parent, ScanContext&& child, std::uint64_t budget_base) {
  // Code hits point into the evidence's locations: rebased by the same offset.
  const auto base = static_cast<std::uint32_t>(parent.evidence.locations.size());
  parent.evidence.merge(std::move(child.evidence));
  append_each(parent.code_hits, child.code_hits, [&](checks::CodeHit& h) { h.location += base; });
  parent.diags.append(std::move(child.diags));
  parent.budget.total_bytes += child.budget.total_bytes - budget_base;
  for (auto& [k, v] : child.stats) parent.stats[k] += v;
  parent.defined_classes += child.defined_classes;
  parent.short_name_classes += child.short_name_classes;
  for (auto& e : child.encrypted_code) parent.encrypted_code.push_back(std::move(e));
  parent.filtered.merge(child.filtered);
  for (auto& [sym, bins] : child.ios_state.symbols) parent.ios_state.symbols[sym].merge(bins);
  for (auto& [sel, bins] : child.ios_state.selectors) parent.ios_state.selectors[sel].merge(bins);
  for (auto& b : child.ios.encrypted_binaries) parent.ios.encrypted_binaries.push_back(std::move(b));
  for (auto& e : child.ios.entitlements) parent.ios.entitlements.push_back(std::move(e));
  // Only the main binary sets min_os, and only when the Info.plist did not: first one wins.
  if (parent.ios.min_os.empty()) parent.ios.min_os = std::move(child.ios.min_os);
}

EntryTasks::~EntryTasks() { wait_all(); }

std::unique_ptr<ScanContext> EntryTasks::child(std::uint64_t base) const {
  auto c = std::make_unique<ScanContext>(parent_.db, parent_.required_reason_apis, parent_.opts, parent_.extractor,
                                         parent_.catalogue);
  c->budget.total_bytes = base;
  c->budget.nested_archives = parent_.budget.nested_archives;
  return c;
}

std::uint64_t EntryTasks::budget_bound() const {
  // Finished slots count what they read; running ones the most they may read.
  std::uint64_t bound = parent_.budget.total_bytes;
  for (const auto& s : slots_) bound += s->done ? s->ctx->budget.total_bytes - s->base : s->reads;
  return bound;
}

void EntryTasks::run(std::uint64_t reads, std::function<void(ScanContext&)> fn) {
  if (!parallel() || !parent_.pool->start()) {
    fn(parent_);
    return;
  }
  merge_ready(false);
  std::uint64_t bound;
  {
    std::lock_guard lock(m_);
    bound = budget_bound();
  }
  if (bound + reads > parent_.opts.limits.max_total_bytes || bound + reads < bound) {
    // Near the input's byte limit whether this entry is read depends on what the tasks before
    // it actually inflated: finish them, then decide exactly as the sequential scan does.
    finish();
    fn(parent_);
    return;
  }
  auto slot = std::make_shared<Slot>();
  slot->ctx = child(bound);
  slot->base = bound;
  slot->reads = reads;
  {
    std::lock_guard lock(m_);
    slots_.push_back(slot);
  }
  auto task = [this, slot, fn = std::move(fn)] {
    std::exception_ptr error;
    try {
      fn(*slot->ctx);
    } catch (...) {
      error = std::current_exception();
    }
    // Notified under the lock: once the owner sees `done` it may destroy the group.
    std::lock_guard lock(m_);
    slot->error = error;
    slot->done = true;
    cv_.notify_all();
  };
  try {
    parent_.pool->submit(std::move(task));
  } catch (...) {
    // Not queued (no memory): the scan fails at this entry's turn, as it would sequentially.
    std::lock_guard lock(m_);
    slot->error = std::current_exception();
    slot->done = true;
  }
  // Bound the results waiting to merge (and the entries in flight) to about twice the threads.
  for (;;) {
    std::size_t waiting;
    {
      std::lock_guard lock(m_);
      waiting = slots_.size();
    }
    if (waiting <= 2 * static_cast<std::size_t>(parent_.pool->threads()) + 1) break;
    merge_ready(true);
  }
}

void EntryTasks::now(std::uint64_t reads, const std::function<void(ScanContext&)>& fn) {
  if (!parallel()) {
    fn(parent_);
    return;
  }
  merge_ready(false);
  std::shared_ptr<Slot> last;
  std::uint64_t bound;
  {
    std::lock_guard lock(m_);
    if (slots_.empty()) {
      last = nullptr;
    } else if (slots_.back()->inline_slot) {
      last = slots_.back();
    }
    bound = budget_bound();
  }
  if (slots_.empty()) {
    fn(parent_);
    return;
  }
  if (bound + reads > parent_.opts.limits.max_total_bytes || bound + reads < bound) {
    finish();
    fn(parent_);
    return;
  }
  if (!last) {
    last = std::make_shared<Slot>();
    last->ctx = child(bound);
    last->base = bound;
    last->inline_slot = true;
    last->done = true;
    std::lock_guard lock(m_);
    slots_.push_back(last);
  } else {
    // Rebase on the current bound, so the slot's own limit checks see every byte before it.
    std::uint64_t used = last->ctx->budget.total_bytes - last->base;
    last->base = bound - used;
    last->ctx->budget.total_bytes = bound;
  }
  fn(*last->ctx);
}

ScanContext& EntryTasks::here() {
  if (!parallel()) return parent_;
  merge_ready(false);
  std::lock_guard lock(m_);
  if (slots_.empty()) return parent_;
  if (!slots_.back()->inline_slot) {
    auto slot = std::make_shared<Slot>();
    std::uint64_t bound = budget_bound();
    slot->ctx = child(bound);
    slot->base = bound;
    slot->inline_slot = true;
    slot->done = true;
    slots_.push_back(slot);
  }
  return *slots_.back()->ctx;
}

void EntryTasks::merge_ready(bool wait_front) {
  for (;;) {
    std::shared_ptr<Slot> s;
    {
      std::unique_lock lock(m_);
      if (slots_.empty()) return;
      s = slots_.front();
      if (!s->done) {
        if (!wait_front) return;
        cv_.wait(lock, [&] { return s->done; });
      }
      slots_.pop_front();
    }
    wait_front = false;
    if (s->error) {
      // The scan fails as the sequential one would at this entry; the tasks after it still
      // hold references into the caller's frame, so they finish first.
      wait_all();
      {
        std::lock_guard lock(m_);
        slots_.clear();
      }
      std::rethrow_exception(s->error);
    }
    merge_task_context(parent_, std::move(*s->ctx), s->base);
  }
}

void EntryTasks::finish() {
  if (!parallel()) return;
  merge_ready(true);
  for (;;) {
    {
      std::lock_guard lock(m_);
      if (slots_.empty()) return;
    }
    merge_ready(true);
  }
}

void EntryTasks::wait_all() noexcept {
  std::unique_lock lock(m_);
  cv_.wait(lock, [&] {
    for (const auto& s : slots_)
      if (!s->done) return false;
    return true;
  });
}

}  // namespace sdkscope
