// A bundle's entries: a zip archive (APK, AAB, IPA, JAR, AAR, split set) read through libzip, or
// a directory (.app, .framework, .xcframework) walked on disk. Entries are read into memory on
// demand, under the limits in limits.hpp; nothing is ever extracted to disk, so hostile entry
// names ("../x", "/etc/x") are only strings here, and symbolic links in a directory are listed
// but never followed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanner/bundle/limits.hpp"
#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope {

struct ArchiveEntry {
  std::uint64_t index = 0;
  std::string name;        ///< as stored (UTF-8 or CP437 converted by libzip), never used as a path
  std::uint64_t size = 0;  ///< uncompressed size claimed by the central directory
  std::uint64_t compressed_size = 0;
  bool is_directory = false;
  bool encrypted = false;
  bool is_symlink = false;  ///< a symbolic link (directory bundle, or a zip entry with Unix S_IFLNK mode): never followed or read
};

/// Running totals shared by all archives of one input, so nested archives count against the
/// same budget as their parent.
struct ReadBudget {
  std::uint64_t total_bytes = 0;
  std::uint32_t nested_archives = 0;
};

class Archive {
 public:
  ~Archive();
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  /// Opens a zip held in memory (the archive keeps `data` alive) and lists its entries, at most
  /// limits.max_entries (a diagnostic when cut). Returns nullptr and sets *error to a one-line
  /// reason when the bytes are not a readable zip. Listing reports, once per archive with a count
  /// and the first example: "zip.duplicate_entries", "zip.unsafe_entry_name" (absolute or ".."
  /// names) and "zip.symlink_entry" (Unix symlink entries). Names are UTF-8: libzip converts
  /// unflagged names from CP437 and refuses the archive ("inconsistent") when a name flagged
  /// UTF-8 is not, as Android's installer does (libziparchive kInvalidEntryName).
  static std::unique_ptr<Archive> open(std::shared_ptr<const std::vector<std::uint8_t>> data,
                                       const Limits& limits, Diagnostics& diags,
                                       const std::string& where, std::string* error);

  /// Opens a zip file on disk without reading it whole: libzip reads the central directory and
  /// then only the entries asked for, which keeps peak memory at the largest entry, not the file.
  static std::unique_ptr<Archive> open_file(const std::string& path, const Limits& limits, Diagnostics& diags,
                                            std::string* error);

  /// Lists a directory bundle (recursively, sorted by path, at most limits.max_entries). Symbolic
  /// links are listed with is_symlink and never followed. nullptr + *error when unreadable.
  static std::unique_ptr<Archive> open_directory(const std::string& path, const Limits& limits, Diagnostics& diags,
                                                 std::string* error);

  /// Entries in central-directory order (directories: sorted by path).
  const std::vector<ArchiveEntry>& entries() const { return entries_; }
  /// Index of an entry by exact name.
  std::optional<std::uint64_t> find(const std::string& name) const;

  /// Inflates one entry. Returns nullopt (with a diagnostic under `where`) when the entry is
  /// encrypted, over a limit, a compression bomb, or corrupt (CRC / inflate error). Safe to call
  /// from several threads at once (each with its own budget and diagnostics): a zip is read
  /// through one libzip handle per concurrent reader.
  std::optional<std::vector<std::uint8_t>> read(const ArchiveEntry& entry, const Limits& limits,
                                                ReadBudget& budget, Diagnostics& diags,
                                                const std::string& where) const;

 private:
  Archive() = default;
  std::optional<std::vector<std::uint8_t>> read_file_entry(const ArchiveEntry& entry, const Limits& limits,
                                                           ReadBudget& budget, Diagnostics& diags,
                                                           const std::string& where) const;
  static std::unique_ptr<Archive> open_source(void* zip_source, std::shared_ptr<const std::vector<std::uint8_t>> data,
                                              const Limits& limits, Diagnostics& diags, const std::string& where,
                                              std::string* error);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<ArchiveEntry> entries_;
};

/// True when the bytes start like a zip (local header, or empty-archive end record).
bool looks_like_zip(Bytes data);

}  // namespace sdkscope
