// libzip adapter: the only file that includes <zip.h>. Zips are opened from memory buffers
// (zip_source_buffer_create), so the same code reads a top-level APK and an APK nested inside it.
#include "scanner/bundle/archive.hpp"

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <fstream>
#include <unordered_map>

#include <fmt/format.h>

#include "scanner/util/strings.hpp"

namespace sdkscope {

// Concurrent reads. A zip_t is not safe to read from two threads (entries share its source's
// file position and the archive's error state), so reads on other threads get zip_t handles of
// their own, opened on demand over the same file or buffer and kept for reuse: at most one per
// thread reading at once, each only a central directory in memory. Inflating happens outside
// any lock; the mutex guards only the list of idle handles.
struct Archive::Impl {
  std::shared_ptr<const std::vector<std::uint8_t>> data;
  zip_t* zip = nullptr;                // zip mode: the handle the archive was listed with
  std::string path;                    // zip mode, opened from a file: for more handles
  std::filesystem::path dir_root;      // directory mode
  std::unordered_map<std::string, std::uint64_t> by_name;
  zip_int64_t listed = 0;              // entries in the central directory, to check new handles

  std::mutex m;
  std::condition_variable idle_cv;
  std::vector<zip_t*> idle;            // handles no read is using (`zip` starts here)
  std::size_t opened = 1;              // handles in existence, `zip` included

  ~Impl() {
    for (zip_t* z : idle)
      if (z != zip) zip_discard(z);
    if (zip) zip_discard(zip);
  }

  // Another handle on the same bytes; nullptr when it cannot be opened (a file that changed).
  zip_t* open_another() const {
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t* src = data ? zip_source_buffer_create(data->data(), data->size(), 0, &zerr)
                             : zip_source_file_create(path.c_str(), 0, -1, &zerr);
    zip_t* z = nullptr;
    if (src) {
      z = zip_open_from_source(src, ZIP_RDONLY, &zerr);
      if (!z) zip_source_free(src);
    }
    zip_error_fini(&zerr);
    if (z && zip_get_num_entries(z, 0) != listed) {
      zip_discard(z);
      z = nullptr;
    }
    return z;
  }

  zip_t* acquire() {
    std::unique_lock lock(m);
    if (idle.empty()) {
      // Open one more outside the lock; if that fails, wait for one in use.
      lock.unlock();
      if (zip_t* z = open_another()) {
        lock.lock();
        ++opened;
        return z;
      }
      lock.lock();
      idle_cv.wait(lock, [&] { return !idle.empty(); });
    }
    zip_t* z = idle.back();
    idle.pop_back();
    return z;
  }

  void release(zip_t* z) {
    {
      std::lock_guard lock(m);
      idle.push_back(z);
    }
    idle_cv.notify_one();
  }
};

Archive::~Archive() = default;

namespace {

/// Bytes read from libzip per call, and the most a read reserves before any byte arrives: the
/// central directory's size is a claim, so memory follows the bytes actually inflated.
constexpr std::size_t kReadChunk = 1u << 20;
constexpr std::size_t kMaxInitialReserve = 16u << 20;

/// A name that would leave an extraction directory: absolute ("/x", "\\x", "C:x") or with a ".."
/// component ("../x", "a/../../x", "..\\x"). We never extract, so this is only worth a warning.
bool unsafe_entry_name(std::string_view name) {
  if (name.empty()) return false;
  if (name[0] == '/' || name[0] == '\\') return true;
  if (name.size() >= 2 && name[1] == ':' && ((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z')) return true;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = name.size();
    if (name.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool looks_like_zip(Bytes data) {
  if (data.size() < 4) return false;
  // PK\3\4 local header, PK\5\6 empty archive, PK\7\8 spanned marker.
  return data[0] == 'P' && data[1] == 'K' &&
         ((data[2] == 3 && data[3] == 4) || (data[2] == 5 && data[3] == 6) || (data[2] == 7 && data[3] == 8));
}

std::unique_ptr<Archive> Archive::open(std::shared_ptr<const std::vector<std::uint8_t>> data,
                                       const Limits& limits, Diagnostics& diags, const std::string& where,
                                       std::string* error) {
  if (!looks_like_zip(*data)) {
    if (error) *error = "not a zip archive (no zip signature)";
    return nullptr;
  }
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* src = zip_source_buffer_create(data->data(), data->size(), 0, &zerr);
  if (!src) {
    if (error) *error = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    return nullptr;
  }
  zip_error_fini(&zerr);
  return open_source(src, std::move(data), limits, diags, where, error);
}

std::unique_ptr<Archive> Archive::open_file(const std::string& path, const Limits& limits, Diagnostics& diags,
                                            std::string* error) {
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* src = zip_source_file_create(path.c_str(), 0, -1, &zerr);
  if (!src) {
    if (error) *error = zip_error_strerror(&zerr);
    zip_error_fini(&zerr);
    return nullptr;
  }
  zip_error_fini(&zerr);
  auto archive = open_source(src, nullptr, limits, diags, "", error);
  if (archive) archive->impl_->path = path;
  return archive;
}

std::unique_ptr<Archive> Archive::open_source(void* source, std::shared_ptr<const std::vector<std::uint8_t>> data,
                                              const Limits& limits, Diagnostics& diags, const std::string& where,
                                              std::string* error) {
  auto* src = static_cast<zip_source_t*>(source);
  zip_error_t zerr;
  zip_error_init(&zerr);
  // No ZIP_CHECKCONS: Android tolerates (and packers exploit) small inconsistencies between
  // local and central headers; we read what the central directory says, like the platform does.
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &zerr);
  if (!z) {
    if (error) *error = fmt::format("not a readable zip archive ({})", zip_error_strerror(&zerr));
    zip_source_free(src);
    zip_error_fini(&zerr);
    return nullptr;
  }
  zip_error_fini(&zerr);

  std::unique_ptr<Archive> archive(new Archive());
  archive->impl_ = std::make_unique<Impl>();
  archive->impl_->data = std::move(data);
  archive->impl_->zip = z;
  archive->impl_->idle.push_back(z);

  zip_int64_t count = zip_get_num_entries(z, 0);
  archive->impl_->listed = count;
  if (count < 0) count = 0;
  std::uint64_t n = static_cast<std::uint64_t>(count);
  if (n > limits.max_entries) {
    diags.warn("limit.max_entries", where,
               fmt::format("archive lists {} entries; only the first {} are scanned (limit {})", n,
                           limits.max_entries, kLimitEntries));
    n = limits.max_entries;
  }
  archive->entries_.reserve(n);
  std::uint64_t duplicates = 0, unsafe_names = 0, symlinks = 0;
  std::string first_unsafe, first_symlink;
  for (std::uint64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, i, ZIP_FL_ENC_GUESS, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
      diags.warn("zip.bad_entry", where, fmt::format("entry #{} has an unreadable header", i));
      continue;
    }
    ArchiveEntry e;
    e.index = i;
    e.name = st.name;
    e.size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    e.compressed_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    e.is_directory = !e.name.empty() && e.name.back() == '/';
    e.encrypted = (st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE;
    // A Unix symbolic link stored as an entry (its data is the target path): listed, never read,
    // as in directory bundles.
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(z, i, 0, &opsys, &attributes) == 0 && opsys == ZIP_OPSYS_UNIX &&
        S_ISLNK(attributes >> 16)) {
      e.is_symlink = true;
      if (symlinks++ == 0) first_symlink = e.name;
    }
    if (unsafe_entry_name(e.name) && unsafe_names++ == 0) first_unsafe = e.name;
    // Duplicate names: Android's installer takes the first; keep the first, note the rest.
    if (!archive->impl_->by_name.emplace(e.name, i).second) {
      ++duplicates;
      continue;
    }
    archive->entries_.push_back(std::move(e));
  }
  if (duplicates > 0)
    diags.warn("zip.duplicate_entries", where,
               fmt::format("{} entries repeat an earlier entry's name; the first of each is scanned", duplicates));
  if (unsafe_names > 0)
    diags.warn("zip.unsafe_entry_name", where,
               fmt::format("{} entry names are absolute or climb out with '..' (first: '{}'); names only, nothing is "
                           "extracted",
                           unsafe_names, sanitize_utf8(first_unsafe)));
  if (symlinks > 0)
    diags.warn("zip.symlink_entry", where,
               fmt::format("{} entries are symbolic links (first: '{}'); listed, never followed or read", symlinks,
                           sanitize_utf8(first_symlink)));
  return archive;
}

std::unique_ptr<Archive> Archive::open_directory(const std::string& path, const Limits& limits, Diagnostics& diags,
                                                 std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path root(path);
  if (!fs::is_directory(root, ec)) {
    if (error) *error = "not a directory";
    return nullptr;
  }
  std::unique_ptr<Archive> archive(new Archive());
  archive->impl_ = std::make_unique<Impl>();
  archive->impl_->dir_root = root;
  std::vector<ArchiveEntry> entries;
  bool cut = false;
  std::string too_deep;  // the first directory not descended into (limits.max_directory_depth)
  // recursive_directory_iterator does not follow directory symlinks by default.
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) {
    if (error) *error = ec.message();
    return nullptr;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      diags.warn("bundle.unreadable_path", "", ec.message());
      ec.clear();
      continue;
    }
    if (entries.size() >= limits.max_entries) {
      cut = true;
      break;
    }
    if (static_cast<std::uint64_t>(it.depth()) >= limits.max_directory_depth) {
      // Deeper than any real bundle: a loop of bind mounts or a trick. Listed, not descended into.
      if (too_deep.empty() && it->is_directory(ec)) too_deep = it->path().lexically_relative(root).generic_string();
      it.disable_recursion_pending();
    }
    const auto& p = it->path();
    ArchiveEntry e;
    e.name = p.lexically_relative(root).generic_string();
    e.is_symlink = it->is_symlink(ec);
    e.is_directory = !e.is_symlink && it->is_directory(ec);
    if (e.is_directory) e.name += "/";
    if (!e.is_directory && !e.is_symlink) {
      auto sz = it->file_size(ec);
      e.size = ec ? 0 : sz;
      e.compressed_size = e.size;
    }
    entries.push_back(std::move(e));
  }
  if (!too_deep.empty())
    diags.warn("limit.max_directory_depth", too_deep,
               fmt::format("directories nested deeper than the {} limit of {} levels are not descended into",
                           kLimitDirectoryDepth, limits.max_directory_depth));
  if (cut)
    diags.warn("limit.max_entries", "",
               fmt::format("directory holds more than {} entries; only the first {} are scanned (limit {})",
                           limits.max_entries, limits.max_entries, kLimitEntries));
  std::sort(entries.begin(), entries.end(), [](const ArchiveEntry& a, const ArchiveEntry& b) { return a.name < b.name; });
  for (std::uint64_t i = 0; i < entries.size(); ++i) {
    entries[i].index = i;
    archive->impl_->by_name.emplace(entries[i].name, i);
  }
  archive->entries_ = std::move(entries);
  return archive;
}

std::optional<std::uint64_t> Archive::find(const std::string& name) const {
  auto it = impl_->by_name.find(name);
  if (it == impl_->by_name.end()) return std::nullopt;
  return it->second;
}

std::optional<std::vector<std::uint8_t>> Archive::read(const ArchiveEntry& entry, const Limits& limits,
                                                       ReadBudget& budget, Diagnostics& diags,
                                                       const std::string& where) const {
  if (entry.encrypted) {
    diags.warn("zip.encrypted_entry", where, "entry is encrypted; not read");
    return std::nullopt;
  }
  if (entry.is_symlink) {
    diags.info("bundle.symlink", where, "symbolic link; not followed");
    return std::nullopt;
  }
  if (entry.size > limits.max_entry_bytes) {
    diags.warn("limit.max_entry_bytes", where,
               fmt::format("entry claims {} bytes, over the {} limit of {} bytes; not read", entry.size,
                           kLimitEntryBytes, limits.max_entry_bytes));
    return std::nullopt;
  }
  if (entry.size >= limits.ratio_check_min_bytes &&
      entry.size / std::max<std::uint64_t>(entry.compressed_size, 1) > limits.max_compression_ratio) {
    diags.warn("limit.max_compression_ratio", where,
               fmt::format("entry inflates {} bytes to {} (ratio over the {} limit of {}): treated as a compression "
                           "bomb; not read",
                           entry.compressed_size, entry.size, kLimitRatio, limits.max_compression_ratio));
    return std::nullopt;
  }
  if (budget.total_bytes + entry.size > limits.max_total_bytes) {
    diags.warn("limit.max_total_bytes", where,
               fmt::format("reading this entry would pass the {} limit of {} bytes for the whole input; not read",
                           kLimitTotalBytes, limits.max_total_bytes));
    return std::nullopt;
  }

  if (!impl_->zip) return read_file_entry(entry, limits, budget, diags, where);
  zip_t* zip = impl_->acquire();
  struct Release {
    Impl& impl;
    zip_t* z;
    ~Release() { impl.release(z); }
  } release{*impl_, zip};
  zip_file_t* f = zip_fopen_index(zip, entry.index, 0);
  if (!f) {
    diags.warn("zip.unreadable_entry", where,
               fmt::format("cannot open entry: {}", zip_error_strerror(zip_get_error(zip))));
    zip_error_clear(zip);
    return std::nullopt;
  }
  // Read at most the claimed size plus one byte: a central directory that under-states the size
  // is detected by the extra byte instead of inflating without bound. The buffer grows with the
  // bytes that arrive: one that over-states it (512 MB claimed, 100 bytes stored) costs nothing.
  const std::size_t want = static_cast<std::size_t>(entry.size) + 1;
  std::vector<std::uint8_t> out;
  out.reserve(std::min(want, kMaxInitialReserve));
  std::size_t got = 0;
  bool failed = false;
  while (got < want) {
    const std::size_t step = std::min(want - got, kReadChunk);
    if (out.size() < got + step) out.resize(got + step);
    zip_int64_t r = zip_fread(f, out.data() + got, step);
    if (r < 0) {
      failed = true;
      break;
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  std::string err = failed ? zip_error_strerror(zip_file_get_error(f)) : "";
  zip_fclose(f);
  if (failed) {
    diags.warn("zip.corrupt_entry", where, fmt::format("entry cannot be inflated: {}", err));
    return std::nullopt;
  }
  if (got > entry.size) {
    diags.warn("zip.size_mismatch", where,
               fmt::format("entry inflates past the {} bytes its header claims; not read", entry.size));
    return std::nullopt;
  }
  if (got < entry.size) {
    diags.warn("zip.size_mismatch", where,
               fmt::format("entry inflates to {} bytes, fewer than the {} its header claims", got, entry.size));
  }
  out.resize(got);
  budget.total_bytes += got;
  return out;
}

std::optional<std::vector<std::uint8_t>> Archive::read_file_entry(const ArchiveEntry& entry, const Limits& limits,
                                                                  ReadBudget& budget, Diagnostics& diags,
                                                                  const std::string& where) const {
  (void)limits;
  std::ifstream in(impl_->dir_root / entry.name, std::ios::binary);
  if (!in) {
    diags.warn("bundle.unreadable_file", where, "cannot open file");
    return std::nullopt;
  }
  // Read at most the listed size plus one byte: a file that grew since listing is reported.
  std::vector<std::uint8_t> out(static_cast<std::size_t>(entry.size) + 1);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  auto got = static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0));
  if (got > entry.size) {
    diags.warn("bundle.size_changed", where, "file changed size while being scanned; not read");
    return std::nullopt;
  }
  out.resize(got);
  budget.total_bytes += got;
  return out;
}

}  // namespace sdkscope
