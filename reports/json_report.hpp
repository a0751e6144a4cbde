// JSON report writer (schema: docs/report-schema.md, reports/schema/report-v1.schema.json).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "scanner/model/scan_result.hpp"

namespace sdkscope {

/// The report as a JSON document; key order is fixed, lists keep ScanResult's sorted order.
nlohmann::ordered_json report_to_json(const ScanResult& r);
/// The report as text: pretty-printed (indent 2) with a trailing newline.
std::string write_json_report(const ScanResult& r);

}  // namespace sdkscope
