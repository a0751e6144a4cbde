// Mach-O, fat and ar constants the readers compare raw values against, and the small naming
// tables (CPU type -> arch, file type -> kind, platform). Values from mach-o/loader.h,
// mach-o/fat.h, mach/machine.h and mach-o/fixup-chains.h (Apple's cctools / dyld sources).
#pragma once

#include <cstdint>
#include <string>

namespace sdkscope::apple::macho {

// Magics, as a big-endian read of the first four bytes sees them.
inline constexpr std::uint32_t kMhMagic = 0xfeedface;    // 32-bit, big-endian file
inline constexpr std::uint32_t kMhCigam = 0xcefaedfe;    // 32-bit, little-endian file
inline constexpr std::uint32_t kMhMagic64 = 0xfeedfacf;  // 64-bit, big-endian file
inline constexpr std::uint32_t kMhCigam64 = 0xcffaedfe;  // 64-bit, little-endian file
inline constexpr std::uint32_t kFatMagic = 0xcafebabe;
inline constexpr std::uint32_t kFatMagic64 = 0xcafebabf;
/// Java class files share 0xcafebabe; their "nfat_arch" is the class version (>= 45). file(1)
/// draws the line at 30, well above any real universal binary.
inline constexpr std::uint32_t kMaxPlausibleFatArchs = 30;

inline constexpr std::uint32_t kLcReqDyld = 0x80000000;
inline constexpr std::uint32_t kLcSegment = 0x1;
inline constexpr std::uint32_t kLcSymtab = 0x2;
inline constexpr std::uint32_t kLcLoadDylib = 0xc;
inline constexpr std::uint32_t kLcIdDylib = 0xd;
inline constexpr std::uint32_t kLcLoadWeakDylib = 0x18 | kLcReqDyld;
inline constexpr std::uint32_t kLcSegment64 = 0x19;
inline constexpr std::uint32_t kLcRpath = 0x1c | kLcReqDyld;
inline constexpr std::uint32_t kLcCodeSignature = 0x1d;
inline constexpr std::uint32_t kLcReexportDylib = 0x1f | kLcReqDyld;
inline constexpr std::uint32_t kLcLazyLoadDylib = 0x20;
inline constexpr std::uint32_t kLcEncryptionInfo = 0x21;
inline constexpr std::uint32_t kLcLoadUpwardDylib = 0x23 | kLcReqDyld;
inline constexpr std::uint32_t kLcVersionMinMacosx = 0x24;
inline constexpr std::uint32_t kLcVersionMinIphoneos = 0x25;
inline constexpr std::uint32_t kLcEncryptionInfo64 = 0x2c;
inline constexpr std::uint32_t kLcLinkerOption = 0x2d;
inline constexpr std::uint32_t kLcVersionMinTvos = 0x2f;
inline constexpr std::uint32_t kLcVersionMinWatchos = 0x30;
inline constexpr std::uint32_t kLcBuildVersion = 0x32;
inline constexpr std::uint32_t kLcDyldChainedFixups = 0x34 | kLcReqDyld;

inline constexpr std::uint32_t kMhObject = 0x1;

// Section types (low byte of section flags).
inline constexpr std::uint32_t kSectionTypeMask = 0xff;
inline constexpr std::uint32_t kSCstringLiterals = 0x2;
inline constexpr std::uint32_t kSZerofill = 0x1;
inline constexpr std::uint32_t kSGbZerofill = 0xc;
inline constexpr std::uint32_t kSThreadLocalZerofill = 0x12;

// nlist n_type bits.
inline constexpr std::uint8_t kNStab = 0xe0;
inline constexpr std::uint8_t kNPext = 0x10;
inline constexpr std::uint8_t kNType = 0x0e;
inline constexpr std::uint8_t kNExt = 0x01;
inline constexpr std::uint8_t kNUndf = 0x0;
inline constexpr std::uint8_t kNAbs = 0x2;
inline constexpr std::uint8_t kNSect = 0xe;
inline constexpr std::uint8_t kNIndr = 0xa;

// CPU types (mach/machine.h).
inline constexpr std::uint32_t kCpuArch64 = 0x01000000;
inline constexpr std::uint32_t kCpuArch6432 = 0x02000000;
inline constexpr std::uint32_t kCpuTypeX86 = 7;
inline constexpr std::uint32_t kCpuTypeArm = 12;
inline constexpr std::uint32_t kCpuTypePowerPc = 18;

/// "arm64", "armv7", "x86_64", "i386", "arm64e", "arm64_32", ...; "cpu<N>" for unknown types.
std::string arch_name(std::uint32_t cputype, std::uint32_t cpusubtype);
/// "object", "execute", "dylib", "bundle", ... from mach_header.filetype; "filetype<N>" otherwise.
std::string file_type_name(std::uint32_t filetype);
/// LC_BUILD_VERSION platform -> "macos", "ios", "iossimulator", ...; "platform<N>" otherwise.
std::string platform_name(std::uint32_t platform);
/// A packed xxxx.yy.zz version as "14.0" or "14.0.1".
std::string version_string(std::uint32_t packed);
/// True for x86 / x86_64 CPUs: an iOS-family version-min command there means a simulator build.
inline bool is_x86(std::uint32_t cputype) { return (cputype & ~kCpuArch64) == kCpuTypeX86; }

}  // namespace sdkscope::apple::macho
