// The JAR / AAR passes: SDK artifacts vetted before anyone integrates them.
#pragma once

#include <string>

#include "scanner/bundle/archive.hpp"
#include "scanner/engine/scan_context.hpp"

namespace sdkscope {

/// Every .class in a JAR (or an AAR's classes.jar / libs/*.jar): classes, string constants,
/// version files. `prefix` is the JAR's location ("" for the input itself).
void scan_jar(ScanContext& ctx, const Archive& jar, const std::string& prefix, std::uint32_t depth);

/// An AAR: classes.jar and libs/*.jar, jni/<abi>/*.so, the text AndroidManifest.xml, version files.
void scan_aar(ScanContext& ctx, const Archive& aar, const std::string& prefix, std::uint32_t depth);

}  // namespace sdkscope
