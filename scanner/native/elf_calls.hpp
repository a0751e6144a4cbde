// Call sites of imported functions in an AArch64 ELF shared object (Android arm64-v8a): the PLT
// entries named through their R_AARCH64_JUMP_SLOT relocations, then find_arm64_calls over the
// executable code. Read without LIEF, every read bounds-checked.
#pragma once

#include <string>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/native/arm64_calls.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::native {

/// Call sites in an ELF image for EM_AARCH64 (ELFCLASS64, either data byte order); any other
/// machine or a file that is not ELF gives an empty list and no diagnostic. Callees are the
/// dynamic symbol names ("CCCrypt", "ptrace"). SVC sites use x8 for the syscall number unless
/// `opts.syscall_convention` says otherwise.
///
/// Jump slots come from DT_JMPREL / DT_PLTRELSZ with DT_SYMTAB / DT_STRTAB (what the loader
/// uses), else from the `.rela.plt` section and its linked symbol table. A PLT entry is an
/// `adrp x16` + `ldr x17, [x16, #off]` pair (optionally after `bti c`) whose loaded address is a
/// jump slot's GOT entry; entries are found by decoding, not by position. Code: executable
/// PROGBITS sections but `.plt`, else (no section headers) the executable PT_LOAD segments.
/// Never throws; malformed structures get "elf.calls" warnings under `where` and whatever is
/// sound is still scanned. Reaching opts.max_sites is a warning too.
std::vector<Arm64CallSite> elf_arm64_calls(Bytes image, Diagnostics& diags, const std::string& where,
                                           const Arm64CallOptions& opts);

}  // namespace sdkscope::native
