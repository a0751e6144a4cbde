// The scan pipeline: input path -> ScanResult. Library code: never prints, never exits, never
// lets an exception escape; an unusable input is an error string, a damaged part a diagnostic.
#pragma once

#include <optional>
#include <string>

#include "scanner/analysis/endpoints.hpp"
#include "scanner/analysis/geoip.hpp"
#include "scanner/analysis/jurisdiction.hpp"
#include "scanner/apple/privacy_manifest.hpp"
#include "scanner/checks/catalogue.hpp"
#include "scanner/engine/scan_options.hpp"
#include "scanner/match/signature_db.hpp"
#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct ScanContext;

struct ScanOutcome {
  std::optional<ScanResult> result;  ///< set on success
  std::string error;                 ///< one line, set when the input is unusable
};

/// Caps the threads of the scans the calling thread starts while it lives (ScanOptions::threads
/// still applies below the cap). A batch that scans several inputs at once sets 1 in each of its
/// workers, so N inputs in parallel use N threads, not N x cores. Per thread: it never touches
/// another thread's scans.
class ScopedScanThreads {
 public:
  explicit ScopedScanThreads(unsigned max_threads);
  /// The cap for each of `concurrent` scans that share the machine: the hardware threads divided
  /// among them, at least 1.
  static unsigned share_of_cores(unsigned concurrent);
  ~ScopedScanThreads();
  ScopedScanThreads(const ScopedScanThreads&) = delete;
  ScopedScanThreads& operator=(const ScopedScanThreads&) = delete;

 private:
  unsigned previous_;
};

/// Scans inputs against one signature database. Holds only read-only state after construction,
/// so one Scanner serves many threads.
class Scanner {
 public:
  Scanner(const SignatureDb& db, ScanOptions options);
  ScanOutcome scan(const std::string& path) const;
  /// The threads scan() uses inside one input: options().threads (0 = the SDKSCOPE_THREADS
  /// environment variable when set, else the hardware's concurrency), under the calling thread's
  /// ScopedScanThreads cap.
  unsigned scan_threads() const;

  const SignatureDb& db() const { return db_; }
  /// True when `code` names a home jurisdiction the jurisdiction table knows ("EU", "US" ...).
  /// The error opening options.geoip_path ("" when none was given or it opened).
  const std::string& geoip_error() const { return geoip_error_; }
  bool knows_home(std::string_view code) const { return jurisdictions_ && jurisdictions_->home(code).has_value(); }
  const ScanOptions& options() const { return options_; }
  /// The check catalogue (signatures/checks.json); null when absent or invalid.
  const checks::Catalogue* catalogue() const { return catalogue_ ? &*catalogue_ : nullptr; }
  /// Why signatures/checks.json did not load ("" when it loaded or is absent): a broken catalogue
  /// is an error the CLI reports (exit 2), an absent one only turns the checks off.
  const std::string& checks_error() const { return checks_error_; }

 private:
  void run_checks(ScanContext& ctx, ScanResult& r) const;

  const SignatureDb& db_;
  ScanOptions options_;
  PublicSuffixList psl_;
  AddressExtractor extractor_;
  std::vector<apple::RequiredReasonCategory> required_reason_apis_;  ///< for the privacy-manifest audit
  std::optional<JurisdictionTable> jurisdictions_;  ///< signatures/jurisdictions.json, for data_flows
  std::optional<GeoIp> geoip_;
  std::optional<checks::Catalogue> catalogue_;
  std::string checks_error_;
  std::string geoip_error_;
  unsigned default_threads_ = 1;  ///< threads when options.threads = 0 (SDKSCOPE_THREADS or the hardware's)
};

}  // namespace sdkscope
