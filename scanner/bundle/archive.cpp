// libzip adapter: the only file that includes <zip.h>. Zips are opened from memory buffers
// (zip_source_buffer_create), so the same code reads a top-level APK and an APK nested inside it.
#include "scanner/bundle/archive.hpp"

#include <zip.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include <fmt/format.h>

namespace sdkscope {

struct Archive::Impl {
  std::shared_ptr<const std::vector<std::uint8_t>> data;
  zip_t* zip = nullptr;                // zip mode
  std::filesystem::path dir_root;      // directory mode
  std::unordered_map<std::string, std::uint64_t> by_name;
  ~Impl() {
    if (zip) zip_discard(zip);
  }
};

Archive::~Archive() = default;

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
  return open_source(src, nullptr, limits, diags, "", error);
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

  zip_int64_t count = zip_get_num_entries(z, 0);
  if (count < 0) count = 0;
  std::uint64_t n = static_cast<std::uint64_t>(count);
  if (n > limits.max_entries) {
    diags.warn("limit.max_entries", where,
               fmt::format("archive lists {} entries; only the first {} are scanned (limit {})", n,
                           limits.max_entries, kLimitEntries));
    n = limits.max_entries;
  }
  archive->entries_.reserve(n);
  std::uint64_t duplicates = 0;
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
    if (it.depth() > 64) {  // deeper than any real bundle: a loop of bind mounts or a trick
      it.disable_recursion_pending();
      continue;
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
               fmt::format("entry inflates {} bytes to {} (ratio over {}): treated as a compression bomb; not read",
                           entry.compressed_size, entry.size, limits.max_compression_ratio));
    return std::nullopt;
  }
  if (budget.total_bytes + entry.size > limits.max_total_bytes) {
    diags.warn("limit.max_total_bytes", where,
               fmt::format("reading this entry would pass the {} limit of {} bytes for the whole input; not read",
                           kLimitTotalBytes, limits.max_total_bytes));
    return std::nullopt;
  }

  if (!impl_->zip) return read_file_entry(entry, limits, budget, diags, where);
  zip_file_t* f = zip_fopen_index(impl_->zip, entry.index, 0);
  if (!f) {
    diags.warn("zip.unreadable_entry", where,
               fmt::format("cannot open entry: {}", zip_error_strerror(zip_get_error(impl_->zip))));
    return std::nullopt;
  }
  // Read at most the claimed size plus one byte: a central directory that under-states the size
  // is detected by the extra byte instead of inflating without bound.
  std::vector<std::uint8_t> out(static_cast<std::size_t>(entry.size) + 1);
  std::size_t got = 0;
  bool failed = false;
  while (got < out.size()) {
    zip_int64_t r = zip_fread(f, out.data() + got, out.size() - got);
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
