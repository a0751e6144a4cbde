// Appending one vector to another many times over (per-entry results merged into a scan's).
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

namespace sdkscope {

/// Moves every element of `from` to the end of `to`, passing each through `fix` first (e.g. to
/// rebase an index). Growth stays geometric: reserving exactly the new size on every call would
/// move the whole of `to` each time, quadratic over the hundreds of merges of a large app.
template <class T, class Fix>
void append_each(std::vector<T>& to, std::vector<T>& from, Fix fix) {
  const std::size_t need = to.size() + from.size();
  if (need > to.capacity()) to.reserve(std::max(need, 2 * to.capacity()));
  for (auto& x : from) {
    fix(x);
    to.push_back(std::move(x));
  }
}

}  // namespace sdkscope
