#include "server/upload.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace sdkscope::server {

namespace fs = std::filesystem;

struct TempUpload::Digest {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Digest() {
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 unavailable");
  }
  ~Digest() { EVP_MD_CTX_free(ctx); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
};

PrivateTempDir::PrivateTempDir(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* env = std::getenv("TMPDIR");
    base = env && *env ? env : "/tmp";
  }
  std::string tmpl = (fs::path(base) / "sdkscope-serve-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))  // mode 0700
    throw std::runtime_error(fmt::format("cannot create a private temporary directory in {}: {}", base,
                                         std::strerror(errno)));
  path_ = buf.data();
}

PrivateTempDir::~PrivateTempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::optional<TempUpload> TempUpload::create(const std::string& dir, std::string& error) {
  // O_TMPFILE: a file with no name at all. Not every file system has it (EOPNOTSUPP, EISDIR on
  // old kernels): then a random name that is unlinked before any byte is written.
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string tmpl = (fs::path(dir) / "u-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd < 0) {
      error = fmt::format("cannot create a temporary file: {}", std::strerror(errno));
      return std::nullopt;
    }
    ::unlink(buf.data());
  }
  try {
    return TempUpload(fd);
  } catch (const std::exception& e) {
    ::close(fd);
    error = e.what();
    return std::nullopt;
  }
}

TempUpload::TempUpload(int fd) : fd_(fd), digest_(std::make_unique<Digest>()) {}

TempUpload::TempUpload(TempUpload&& o) noexcept : fd_(o.fd_), size_(o.size_), digest_(std::move(o.digest_)) {
  o.fd_ = -1;
}

TempUpload& TempUpload::operator=(TempUpload&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    size_ = o.size_;
    digest_ = std::move(o.digest_);
    o.fd_ = -1;
  }
  return *this;
}

TempUpload::~TempUpload() {
  if (fd_ >= 0) ::close(fd_);
}

bool TempUpload::write(const char* data, std::size_t n) {
  if (!digest_ || EVP_DigestUpdate(digest_->ctx, data, n) != 1) return false;
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<std::size_t>(w);
    size_ += static_cast<std::uint64_t>(w);
  }
  return true;
}

std::string TempUpload::finish() {
  if (!digest_) return {};
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(digest_->ctx, md, &len);
  digest_.reset();
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string TempUpload::path() const { return "/proc/self/fd/" + std::to_string(fd_); }

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string kept_upload_path(const std::string& dir, std::string_view sha256) {
  if (dir.empty() || !is_sha256_hex(sha256)) return {};
  return (fs::path(dir) / std::string(sha256)).string();
}

bool keep_upload(const TempUpload& upload, const std::string& dir, const std::string& sha256, std::string& error) {
  std::string target = kept_upload_path(dir, sha256);
  if (target.empty()) {
    error = "not a SHA-256 digest";
    return false;
  }
  struct stat st{};
  if (::stat(target.c_str(), &st) == 0) return true;  // same content already kept
  // A hard link to the anonymous file (O_TMPFILE files can be linked through /proc).
  if (::linkat(AT_FDCWD, upload.path().c_str(), AT_FDCWD, target.c_str(), AT_SYMLINK_FOLLOW) == 0) {
    ::chmod(target.c_str(), 0600);
    return true;
  }
  if (errno == EEXIST) return true;
  // Else a copy: under a temporary name first, so DIR/<sha256> is always complete.
  std::string tmpl = (fs::path(dir) / ".incoming-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int out = ::mkostemp(buf.data(), O_CLOEXEC);
  if (out < 0) {
    error = fmt::format("cannot write to {}: {}", dir, std::strerror(errno));
    return false;
  }
  std::vector<char> chunk(1 << 20);
  off_t off = 0;
  bool ok = true;
  for (;;) {
    ssize_t r = ::pread(upload.fd(), chunk.data(), chunk.size(), off);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      ok = false;
      break;
    }
    if (r == 0) break;
    off += r;
    for (ssize_t done = 0; done < r;) {
      ssize_t w = ::write(out, chunk.data() + done, static_cast<std::size_t>(r - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        ok = false;
        break;
      }
      done += w;
    }
    if (!ok) break;
  }
  ok = ok && ::fsync(out) == 0;
  int saved = errno;
  ::close(out);
  if (!ok || ::rename(buf.data(), target.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(buf.data());
    error = fmt::format("cannot keep the upload in {}: {}", dir, std::strerror(saved));
    return false;
  }
  return true;
}

}  // namespace sdkscope::server
