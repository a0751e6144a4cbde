// CycloneDX 1.5 JSON: the app as metadata.component, one library component per detected SDK
// (supplier, vendor country, categories, confidence, evidence.identity / occurrences), the
// dependency graph (app -> SDKs -> sub-SDKs and the vendor services they send data to), and one
// service per third-party data flow. Reproducible: the serialNumber is a UUID v5 derived from
// the input's SHA-256 and the scanner / signature versions; no timestamp unless one is given.
// docs/report-formats.md describes the mapping; tests validate against the official schema.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

struct CycloneDxOptions {
  /// metadata.timestamp, ISO 8601 date-time ("2026-11-29T12:00:00Z"); empty = omitted, so the
  /// same input and database give the same bytes.
  std::string timestamp;
};

/// The BOM as a JSON document (fixed key order).
nlohmann::ordered_json cyclonedx_bom(const ScanResult& r, const CycloneDxOptions& opts = {});
/// The BOM as text: pretty-printed (indent 2) with a trailing newline; invalid UTF-8 replaced.
std::string write_cyclonedx_report(const ScanResult& r, const CycloneDxOptions& opts = {});

/// "urn:uuid:..." for this result: UUID version 5 (RFC 9562, SHA-1) in sdkscope's namespace
/// (kCycloneDxNamespace) over "<input sha256>/<scanner version>/<signatures version>".
std::string cyclonedx_serial_number(const ScanResult& r);
/// The namespace UUID the serial numbers are derived in: uuid5(NAMESPACE_DNS, "cyclonedx.sdkscope.invalid").
inline constexpr const char* kCycloneDxNamespace = "7609893c-cd7a-574d-b1cd-0dfefd3bc254";

}  // namespace sdkscope
