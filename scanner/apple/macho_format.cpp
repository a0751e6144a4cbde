// Naming tables for Mach-O header values (mach/machine.h, mach-o/loader.h).
#include "scanner/apple/macho_format.hpp"

namespace sdkscope::apple::macho {

std::string arch_name(std::uint32_t cputype, std::uint32_t cpusubtype) {
  const std::uint32_t sub = cpusubtype & 0x00ffffff;  // the top byte holds capability bits (ptrauth ABI)
  switch (cputype) {
    case kCpuTypeX86: return "i386";
    case kCpuTypeX86 | kCpuArch64: return sub == 8 ? "x86_64h" : "x86_64";
    case kCpuTypeArm | kCpuArch64: return sub == 2 ? "arm64e" : "arm64";
    case kCpuTypeArm | kCpuArch6432: return "arm64_32";
    case kCpuTypePowerPc: return "ppc";
    case kCpuTypePowerPc | kCpuArch64: return "ppc64";
    case kCpuTypeArm:
      switch (sub) {
        case 5: return "armv4t";
        case 6: return "armv6";
        case 7: return "armv5";
        case 8: return "xscale";
        case 9: return "armv7";
        case 10: return "armv7f";
        case 11: return "armv7s";
        case 12: return "armv7k";
        case 13: return "armv8";
        case 14: return "armv6m";
        case 15: return "armv7m";
        case 16: return "armv7em";
        default: return "arm";
      }
    default: return "cpu" + std::to_string(cputype);
  }
}

std::string file_type_name(std::uint32_t filetype) {
  switch (filetype) {
    case 0x1: return "object";
    case 0x2: return "execute";
    case 0x3: return "fvmlib";
    case 0x4: return "core";
    case 0x5: return "preload";
    case 0x6: return "dylib";
    case 0x7: return "dylinker";
    case 0x8: return "bundle";
    case 0x9: return "dylib_stub";
    case 0xa: return "dsym";
    case 0xb: return "kext_bundle";
    case 0xc: return "fileset";
    default: return "filetype" + std::to_string(filetype);
  }
}

std::string platform_name(std::uint32_t platform) {
  switch (platform) {
    case 1: return "macos";
    case 2: return "ios";
    case 3: return "tvos";
    case 4: return "watchos";
    case 5: return "bridgeos";
    case 6: return "maccatalyst";
    case 7: return "iossimulator";
    case 8: return "tvossimulator";
    case 9: return "watchossimulator";
    case 10: return "driverkit";
    case 11: return "visionos";
    case 12: return "visionossimulator";
    default: return "platform" + std::to_string(platform);
  }
}

std::string version_string(std::uint32_t packed) {
  std::string out = std::to_string(packed >> 16) + "." + std::to_string((packed >> 8) & 0xff);
  if (packed & 0xff) out += "." + std::to_string(packed & 0xff);
  return out;
}

}  // namespace sdkscope::apple::macho
