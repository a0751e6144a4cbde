// `sdkscope serve` as a child process: the startup line, signals (graceful stop, exit 0), a restart
// on the same database, and the refusals (non-loopback without tokens, an empty token file).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <fstream>

#include "server_fixture.hpp"

extern char** environ;

using namespace sdkscope::test;

namespace {

class Child {
 public:
  Child(const std::vector<std::string>& args, const std::filesystem::path& err_file) : err_(err_file) {
    std::vector<std::string> argv_s{(build_dir() / "sdkscope").string()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  std::string err() const {
    std::ifstream in(err_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  /// The port from "serving on http://127.0.0.1:PORT", or -1 when the child exits first.
  int wait_port() {
    const std::string marker = "serving on http://127.0.0.1:";
    for (int i = 0; i < 600; ++i) {
      std::string e = err();
      if (auto at = e.find(marker); at != std::string::npos) {
        std::size_t digits = at + marker.size(), end = digits;
        while (end < e.size() && std::isdigit(static_cast<unsigned char>(e[end]))) ++end;
        if (end > digits && end < e.size()) return std::stoi(e.substr(digits, end - digits));
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }
  void signal(int sig) { kill(pid_, sig); }
  /// Exit code (128 + signal when killed), waiting at most `seconds`.
  int wait(int seconds = 60) {
    if (pid_ <= 0) return exit_code_;
    for (int i = 0; i < seconds * 20; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -2;
  }

 private:
  std::filesystem::path err_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace

TEST_CASE("sdkscope serve: starts, scans, stops on SIGTERM / SIGINT with exit 0, keeps results") {
  auto dir = temp_dir("serve_cli");
  std::string db = "sqlite:" + (dir / "db.sqlite").string();
  {
    std::ofstream(dir / "tokens") << "# pipeline\ntok-123\n";
  }
  std::string id;
  {
    Child child({"serve", "--listen", "127.0.0.1:0", "--db", db, "--jobs", "1", "--token-file", (dir / "tokens").string()},
                dir / "err1");
    int port = child.wait_port();
    INFO(child.err());
    REQUIRE(port > 0);
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60);
    c.set_bearer_token_auth("tok-123");
    auto r = upload_raw(c, file_text(testdata("apps/demo.apk")), "demo.apk");
    REQUIRE(r);
    REQUIRE(r->status == 202);
    id = parse_json(r->body)["id"];
    CHECK(wait_scan(c, id)["status"] == "done");
    child.signal(SIGTERM);
    CHECK(child.wait() == 0);
    std::string err = child.err();
    CHECK(err.find("SIGTERM: stopping") != std::string::npos);
    CHECK(err.find("sdkscope: stopped") != std::string::npos);
    CHECK(err.find("POST /api/v1/scans 202") != std::string::npos);
    CHECK(err.find("tok-123") == std::string::npos);
  }
  {
    Child child({"serve", "--listen", "127.0.0.1:0", "--db", db}, dir / "err2");
    int port = child.wait_port();
    INFO(child.err());
    REQUIRE(port > 0);
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get(("/api/v1/scans/" + id).c_str());
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(parse_json(r->body)["status"] == "done");
    child.signal(SIGINT);
    CHECK(child.wait() == 0);
  }
}

TEST_CASE("sdkscope serve: refusals exit 2 with one line") {
  auto dir = temp_dir("serve_cli_refuse");
  std::string db = "sqlite:" + (dir / "db.sqlite").string();
  {
    Child child({"serve", "--listen", "0.0.0.0:0", "--db", db}, dir / "e1");
    CHECK(child.wait() == 2);
    CHECK(child.err().find("without --token-file") != std::string::npos);
  }
  {
    std::ofstream(dir / "empty") << "# nothing\n\n";
    Child child({"serve", "--listen", "127.0.0.1:0", "--db", db, "--token-file", (dir / "empty").string()}, dir / "e2");
    CHECK(child.wait() == 2);
    CHECK(child.err().find("holds no token") != std::string::npos);
  }
  {
    Child child({"serve", "--listen", "127.0.0.1:0", "--db", "postgresql://u:pw@127.0.0.1:1/x?connect_timeout=2"}, dir / "e3");
    CHECK(child.wait() == 2);
    CHECK(child.err().find("database") != std::string::npos);
    CHECK(child.err().find(":pw@") == std::string::npos);
  }
  {
    Child child({"serve", "--listen", "nonsense", "--db", db}, dir / "e4");
    CHECK(child.wait() == 2);
  }
}
