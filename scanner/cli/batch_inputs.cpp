#include "scanner/cli/batch_inputs.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "scanner/util/strings.hpp"

namespace sdkscope::cli {

namespace {

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<std::size_t> parse_count(std::string_view s) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// RAII for an OpenSSL digest context.
struct Sha256 {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  Sha256() { EVP_DigestInit_ex(md, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(md); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* p, std::size_t n) { EVP_DigestUpdate(md, p, n); }
  std::string hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(md, out, &len);
    return to_hex(Bytes(out, len));
  }
};

std::optional<std::string> file_sha256(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) h.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return h.hex();
}

// Mirrors sha256_tree in scanner/engine/scanner.cpp (which is not exported); the CLI tests check
// that the two agree on a bundle directory.
std::optional<std::string> tree_sha256(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end; it != end;
       it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path().lexically_relative(root).generic_string());
  }
  std::sort(files.begin(), files.end());
  Sha256 h;
  for (const auto& f : files) {
    // The engine hashes an unreadable member as "", and so do we.
    std::string line = f + '\0' + file_sha256(fs::path(root) / f).value_or("") + '\0';
    h.update(line.data(), line.size());
  }
  return h.hex();
}

// Reads one JSON Lines record only as far as it must: "status" at the top level and "sha256"
// inside the top-level "input" object. Stops parsing once both are known.
class RecordProbe : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::string status, sha256;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& s) override {
    if (depth_ == 1 && key_ == "status") status = s;
    if (depth_ == 2 && in_input_ && key_ == "sha256") sha256 = s;
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && key_ == "input") in_input_ = true;
    key_.clear();
    return true;
  }
  bool key(string_t& k) override {
    key_ = k;
    return true;
  }
  bool end_object() override {
    if (depth_ == 2) in_input_ = false;
    --depth_;
    key_.clear();
    return !done();
  }
  bool start_array(std::size_t) override {
    ++depth_;
    key_.clear();
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool done() const { return !status.empty() && !sha256.empty(); }
  bool value() {
    key_.clear();
    return !done();
  }
  int depth_ = 0;
  bool in_input_ = false;
  std::string key_;
};

}  // namespace

std::vector<std::string> parse_input_list(std::istream& in) {
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    auto t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    out.emplace_back(t);
  }
  return out;
}

std::optional<Shard> parse_shard(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto k = parse_count(s.substr(0, slash)), n = parse_count(s.substr(slash + 1));
  if (!k || !n || *k < 1 || *n < 1 || *k > *n) return std::nullopt;
  return Shard{*k, *n};
}

std::vector<std::string> report_file_names(const std::vector<std::string>& inputs, std::string_view extension) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (const auto& input : inputs) {
    auto p = std::filesystem::path(input).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();  // "Foo.app/"
    std::string base = p.filename().string();
    if (base.empty() || base == "." || base == "..") base = "input";
    std::string name = base + "." + std::string(extension);
    for (int i = 2; used.count(lower(name)); ++i) name = base + "-" + std::to_string(i) + "." + std::string(extension);
    used.insert(lower(name));
    names.push_back(std::move(name));
  }
  return names;
}

std::optional<std::string> input_sha256(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return tree_sha256(path);
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  return file_sha256(path);
}

ResumeState read_resume_state(const std::string& jsonl_path) {
  ResumeState state;
  std::ifstream in(jsonl_path, std::ios::binary);
  if (!in) return state;
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) {  // no newline after it: an interrupted write, never a finished record
      state.partial_tail = !line.empty();
      break;
    }
    state.complete_bytes += line.size() + 1;
    ++state.lines;
    RecordProbe probe;
    nlohmann::json::sax_parse(line, &probe, nlohmann::json::input_format_t::json, false);
    if (probe.status == "ok" && !probe.sha256.empty()) state.done.insert(probe.sha256);
  }
  return state;
}

}  // namespace sdkscope::cli
