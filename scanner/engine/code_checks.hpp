// Recording check indicators while code is parsed: each parser's output is looked up in the
// catalogue's hash maps and regex sets once, and only the hits are kept (a few hundred per app),
// so the checks cost one lookup per method ref, field ref, import, selector and string.
#pragma once

#include <string>
#include <string_view>

#include "scanner/apple/macho_info.hpp"
#include "scanner/dex/dex_file.hpp"
#include "scanner/engine/scan_context.hpp"
#include "scanner/java/class_file.hpp"
#include "scanner/native/elf_info.hpp"

namespace sdkscope {

/// What the DEX parser must extract for the checks (the calls whose arguments they read).
dex::DexOptions dex_options(const ScanContext& ctx);
void record_dex_hits(ScanContext& ctx, const dex::DexFile& d, std::uint32_t loc);
void record_class_hits(ScanContext& ctx, const java::ClassFile& c, std::uint32_t loc);
/// `image` is the library's bytes (for arm64 call sites); `holder` its file name.
void record_elf_hits(ScanContext& ctx, const native::ElfInfo& info, Bytes image, std::uint32_t loc,
                     const std::string& holder);
void record_macho_hits(ScanContext& ctx, const apple::MachoInfo& info, Bytes image, std::uint32_t loc,
                       const std::string& holder);
/// Strings outside code (resources, manifest values, text assets, plists): searched for the
/// "string" kind (key formats, secrets).
void record_text_hits(ScanContext& ctx, std::string_view text, std::uint32_t loc, const std::string& holder);

}  // namespace sdkscope
