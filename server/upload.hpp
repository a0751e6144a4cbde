// An upload on its way to the scanner: an anonymous file (O_TMPFILE, else mkstemp + unlink) in a
// private temporary directory, hashed while it is written. The scanner reads from a path, so it
// is handed /proc/self/fd/N: no name derived from the upload's file name or content ever exists.
// With --keep-uploads DIR the bytes are also kept as DIR/<sha256> (our own digest, hex).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sdkscope::server {

/// A directory only this process can use (mode 0700), removed with everything left in it when
/// the object goes. Uploads are anonymous files inside it.
class PrivateTempDir {
 public:
  /// Under `parent` ("" = $TMPDIR, else /tmp). Throws std::runtime_error.
  explicit PrivateTempDir(const std::string& parent = "");
  ~PrivateTempDir();
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class TempUpload {
 public:
  /// A new anonymous file in `dir`; nullopt and `error` set when it cannot be created.
  static std::optional<TempUpload> create(const std::string& dir, std::string& error);

  TempUpload(TempUpload&& o) noexcept;
  TempUpload& operator=(TempUpload&& o) noexcept;
  TempUpload(const TempUpload&) = delete;
  TempUpload& operator=(const TempUpload&) = delete;
  ~TempUpload();

  /// Appends bytes and feeds the digest. False on a write error (disk full).
  bool write(const char* data, std::size_t n);
  /// Ends writing: the lowercase hex SHA-256 of everything written. Call once.
  std::string finish();
  std::uint64_t size() const { return size_; }
  int fd() const { return fd_; }
  /// The path the scanner opens: /proc/self/fd/N.
  std::string path() const;

 private:
  TempUpload(int fd);
  int fd_ = -1;
  std::uint64_t size_ = 0;
  struct Digest;
  std::unique_ptr<Digest> digest_;
};

/// Stores the upload as `dir`/`sha256` unless that file exists (a hard link when the directory
/// is on the same file system, else a copy written under a temporary name and renamed).
/// `sha256` must be 64 lowercase hex digits. False and `error` set on failure.
bool keep_upload(const TempUpload& upload, const std::string& dir, const std::string& sha256, std::string& error);

/// DIR/<sha256> when `sha256` is well-formed ("" otherwise): where a kept upload lives.
std::string kept_upload_path(const std::string& dir, std::string_view sha256);

/// 64 lowercase hex digits.
bool is_sha256_hex(std::string_view s);

}  // namespace sdkscope::server
