// parse_elf on every native library in the shared corpus (lib/<abi>/*.so inside the APKs and
// App Bundles, plus the stored vendor .so files), checked against readelf: DT_SONAME, DT_NEEDED
// and the exported/imported dynamic symbols must match, the machine must match the ABI folder,
// and a sound real-world library must not set off any repair warning. Skips without the corpus.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "native/elf_test_util.hpp"
#include "scanner/util/strings.hpp"

namespace sdkscope::native {
namespace {

using namespace testing;
namespace fs = std::filesystem;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// ABI folder -> the machine parse_elf must report.
const std::map<std::string, std::string> kAbiMachine = {
    {"arm64-v8a", "aarch64"}, {"armeabi-v7a", "arm"}, {"armeabi", "arm"},  {"x86", "x86"},
    {"x86_64", "x86_64"},     {"mips", "mips"},       {"mips64", "mips64"}};

struct Expected {
  std::string soname;
  std::vector<std::string> needed;
  std::set<std::string> exported, imported;
};

/// The same facts as readelf -dW / --dyn-syms -W print them, by the rules elf.cpp documents.
Expected from_readelf(const fs::path& file) {
  Expected e;
  int rc = 0;
  std::istringstream dyn(test::run("readelf -dW " + quote(file.string()) + " 2>/dev/null", &rc));
  REQUIRE(rc == 0);
  for (std::string line; std::getline(dyn, line);) {
    auto open = line.find('['), close = line.rfind(']');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::string value = line.substr(open + 1, close - open - 1);
    if (line.find("(NEEDED)") != std::string::npos) e.needed.push_back(value);
    if (line.find("(SONAME)") != std::string::npos) e.soname = value;
  }
  std::istringstream syms(test::run("readelf --dyn-syms -W " + quote(file.string()) + " 2>/dev/null", &rc));
  REQUIRE(rc == 0);
  for (std::string line; std::getline(syms, line);) {
    std::istringstream f(line);
    std::string num, value, size, type, bind, vis, ndx, name;
    if (!(f >> num >> value >> size >> type >> bind >> vis >> ndx >> name) || num.back() != ':') continue;
    name = name.substr(0, name.find('@'));  // "getenv@GLIBC_2.2.5", "foo@@VER"
    if (name.empty()) continue;
    if (ndx == "UND") {
      e.imported.insert(name);
    } else if ((bind == "GLOBAL" || bind == "WEAK" || bind == "UNIQUE") && (vis == "DEFAULT" || vis == "PROTECTED") &&
               !(ndx == "ABS" && std::stoull(value, nullptr, 16) == 0)) {
      e.exported.insert(name);
    }
  }
  return e;
}

struct Lib {
  std::string where;  ///< "app.apk!/lib/arm64-v8a/libfoo.so"
  std::string abi;    ///< "" when the path does not say
  Buf bytes;
};

std::vector<Lib> corpus_libs(const fs::path& corpus) {
  std::vector<Lib> libs;
  for (const auto& entry : fs::directory_iterator(corpus / "android")) {
    const auto ext = entry.path().extension();
    if (ext != ".apk" && ext != ".aab") continue;
    int rc = 0;
    std::istringstream names(test::run("unzip -Z1 " + quote(entry.path().string()), &rc));
    REQUIRE(rc == 0);
    for (std::string name; std::getline(names, name);) {
      // lib/<abi>/<name>.so, or <module>/lib/<abi>/<name>.so in an App Bundle
      auto parts = split(name, '/');
      if (parts.size() < 3 || parts[parts.size() - 3] != "lib" || !ends_with(name, ".so")) continue;
      Lib lib{entry.path().filename().string() + "!/" + name, std::string(parts[parts.size() - 2]), {}};
      std::string data = test::run("unzip -p " + quote(entry.path().string()) + " " + quote(name), &rc);
      REQUIRE(rc == 0);
      lib.bytes.assign(data.begin(), data.end());
      libs.push_back(std::move(lib));
    }
  }
  const fs::path tongdun = corpus / "sdk-binaries/xu-li__cordova-plugin-tongdun/libtongdun_arm64-v8a.so";
  if (fs::exists(tongdun)) libs.push_back({tongdun.filename().string(), "arm64-v8a", test::read_file(tongdun)});
  return libs;
}

TEST_CASE("corpus: every native library parses and agrees with readelf") {
  const auto corpus = test::corpus_dir();
  if (!corpus) {
    MESSAGE("corpus not found (../shared/corpus or SDKSCOPE_CORPUS); skipped");
    return;
  }
  const auto libs = corpus_libs(*corpus);
  REQUIRE(libs.size() >= 10);
  const fs::path tmp = fs::temp_directory_path() / ("sdkscope-elf-corpus-" + std::to_string(::getpid()) + ".so");

  std::size_t infos = 0, exported = 0;
  for (const auto& lib : libs) {
    CAPTURE(lib.where);
    Diagnostics diags;
    auto r = parse_elf(lib.bytes, diags, lib.where);
    REQUIRE(r.ok);
    CHECK_FALSE(r.info.machine.empty());
    if (auto it = kAbiMachine.find(lib.abi); it != kAbiMachine.end()) CHECK(r.info.machine == it->second);
    CHECK(r.info.bits ==
          (r.info.machine == "aarch64" || r.info.machine == "x86_64" || r.info.machine == "mips64" ? 64 : 32));
    for (const auto& d : diags.items()) {
      CAPTURE(d.message);
      CHECK_MESSAGE(d.severity == Severity::info, d.code);  // sound files need no repairs
      ++infos;
    }

    {
      std::ofstream out(tmp, std::ios::binary);
      out.write(reinterpret_cast<const char*>(lib.bytes.data()), static_cast<std::streamsize>(lib.bytes.size()));
    }
    const Expected want = from_readelf(tmp);
    CHECK(r.info.soname == want.soname);
    CHECK(r.info.needed == want.needed);
    CHECK(std::set<std::string>(r.info.exported_symbols.begin(), r.info.exported_symbols.end()) == want.exported);
    CHECK(std::set<std::string>(r.info.imported_symbols.begin(), r.info.imported_symbols.end()) == want.imported);
    exported += r.info.exported_symbols.size();
  }
  fs::remove(tmp);
  const std::string summary = std::to_string(libs.size()) + " libraries, " + std::to_string(exported) +
                              " exported symbols, " + std::to_string(infos) + " info diagnostics";
  MESSAGE(summary);
}

}  // namespace
}  // namespace sdkscope::native
