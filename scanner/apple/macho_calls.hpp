// Call sites of imported functions in arm64 Mach-O code: the symbol stubs named through the
// indirect symbol table (linked images) or BRANCH26 relocations (objects), then
// native::find_arm64_calls over the code sections.
#pragma once

#include <string>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/native/arm64_calls.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::apple {

/// Call sites in a thin arm64 / arm64e Mach-O image, or in every arm64-family slice of a fat
/// file (concatenated in slice order; addresses are each slice's own vmaddrs). Other
/// architectures (x86_64, armv7, arm64_32), static-library archives and anything that is not
/// Mach-O give no sites and no diagnostic; to scan an archive, list its members with
/// list_ar_members (ar_archive.hpp) and call this on each object.
///
/// Linked images: every S_SYMBOL_STUBS section (`__stubs`, arm64e `__auth_stubs`) holds
/// size / reserved2 entries whose symbols are LC_DYSYMTAB's indirect symbols from index
/// reserved1 (INDIRECT_SYMBOL_LOCAL / ABS entries skipped), named by LC_SYMTAB. Objects
/// (MH_OBJECT): each code section's ARM64_RELOC_BRANCH26 relocations to undefined external
/// symbols name the BL / B they patch. Callees carry the Mach-O underscore ("_CCCrypt").
/// Code: sections with S_ATTR_PURE_INSTRUCTIONS or S_ATTR_SOME_INSTRUCTIONS that are not stub
/// sections; a section inside the FairPlay-encrypted range (cryptid != 0) is not scanned
/// ("macho.calls" info). SVC sites use x16 for the syscall number unless
/// `opts.syscall_convention` says otherwise.
/// Never throws; malformed structures get "macho.calls" warnings under `where` (slices as
/// "where[arm64]") and whatever is sound is still scanned. Reaching opts.max_sites is a warning.
std::vector<native::Arm64CallSite> macho_arm64_calls(Bytes image, Diagnostics& diags, const std::string& where,
                                                     const native::Arm64CallOptions& opts);

}  // namespace sdkscope::apple
