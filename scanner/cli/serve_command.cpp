// `serve`: the review service (server/, docs/serve.md). Resolves the options, opens the scanner
// and the database, and runs the server until SIGINT or SIGTERM: the first signal stops it
// gracefully (no new connections, running scans finish), a second one exits at once.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "scanner/cli/commands.hpp"
#include "scanner/cli/exit_codes.hpp"
#include "scanner/cli/scan_session.hpp"
#include "server/auth.hpp"
#include "server/review_server.hpp"
#include "server/storage.hpp"

namespace sdkscope::cli {

int run_serve(const ServeArgs& args) {
  using namespace sdkscope::server;
  auto listen = parse_listen(args.listen);
  if (!listen) {
    std::fprintf(stderr, "sdkscope: --listen %s: use HOST:PORT (IPv6: [ADDR]:PORT)\n", args.listen.c_str());
    return kExitError;
  }
  ServerConfig cfg;
  cfg.host = listen->host;
  cfg.port = listen->port;
  cfg.jobs = args.scan.jobs;
  cfg.queue = args.queue;
  cfg.http_threads = args.http_threads;
  cfg.max_upload_bytes = args.max_upload_bytes;
  cfg.keep_uploads_dir = args.keep_uploads;
  if (!args.token_file.empty()) {
    std::string err;
    auto tokens = TokenSet::load(args.token_file, err);
    if (!tokens) {
      std::fprintf(stderr, "sdkscope: %s\n", err.c_str());
      return kExitError;
    }
    struct stat st{};
    if (::stat(args.token_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
      std::fprintf(stderr, "sdkscope: warning: %s is readable by other users (chmod 600 it)\n", args.token_file.c_str());
    cfg.tokens = std::move(*tokens);
  } else if (!is_loopback_host(cfg.host)) {
    std::fprintf(stderr, "sdkscope: refusing to listen on %s without --token-file (only loopback is served without tokens)\n",
                 cfg.host.c_str());
    return kExitError;
  }
  if (cfg.max_upload_bytes == 0 || cfg.queue == 0 || cfg.http_threads == 0) {
    std::fprintf(stderr, "sdkscope: --max-upload-bytes, --queue and --http-threads must be positive\n");
    return kExitError;
  }

  auto session = ScanSession::open(args.scan);
  if (!session) return kExitError;
  std::unique_ptr<Storage> storage;
  try {
    storage = open_storage(args.db);
  } catch (const StorageError& e) {
    std::fprintf(stderr, "sdkscope: database: %s\n", e.what());
    return kExitError;
  }

  // Every thread created from here on inherits the blocked signals; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // the waiter's wake-up call when run() returns by itself
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  const ScanSession& scanner = *session;
  ReviewServer server(cfg, *storage, [&scanner](const std::string& path) { return scanner.scan(path); });
  std::string err;
  if (!server.start(err)) {
    std::fprintf(stderr, "sdkscope: %s\n", err.c_str());
    return kExitError;
  }
  std::string shown_host = cfg.host.find(':') != std::string::npos ? "[" + cfg.host + "]" : cfg.host;
  std::fprintf(stderr, "sdkscope: serving on http://%s:%d (database %s, %s)\n", shown_host.c_str(), server.port(),
               redact_url(args.db).c_str(), cfg.tokens.empty() ? "no authentication: loopback only" : "bearer tokens required");
  std::fflush(stderr);

  std::thread waiter([&] {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) return;
    if (sig == SIGUSR1) return;
    std::fprintf(stderr, "sdkscope: %s: stopping (running scans finish; a second signal exits now)\n",
                 sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
    if (sigwait(&signals, &sig) == 0 && sig != SIGUSR1) {
      std::fprintf(stderr, "sdkscope: second signal: exiting now; unfinished scans are settled at the next start\n");
      std::_Exit(kExitError);
    }
  });
  server.run();
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  std::fprintf(stderr, "sdkscope: stopped\n");
  return kExitOk;
}

}  // namespace sdkscope::cli
