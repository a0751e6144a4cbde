// The LIEF adapter for Mach-O: the only file that includes LIEF's Mach-O headers. LIEF 0.9
// reads the nlist symbol table of one thin image; everything LIEF throws becomes a diagnostic.
// The rest of the image (load commands, metadata, strings, signature) is read by our own
// bounds-checked readers, see macho_image.cpp for why.
#include "scanner/apple/macho_symbols.hpp"

#include <exception>
#include <mutex>
#include <new>

#include <LIEF/MachO.hpp>
#include <LIEF/exception.hpp>
#include <LIEF/logging.hpp>

namespace sdkscope::apple {

namespace {

namespace lmacho = LIEF::MachO;

// LIEF logs through easylogging++ to stderr; the Scanner constructor switches it off once,
// before any scan (scanner/engine/scanner.cpp, which says why it is not done here).

}  // namespace

std::optional<std::vector<MachoSymbol>> lief_symbols(Bytes image, std::size_t cap, std::string& error) {
  auto fail = [&](const std::string& why) -> std::optional<std::vector<MachoSymbol>> {
    error = why;
    return std::nullopt;
  };
  try {
    const std::vector<std::uint8_t> copy(image.begin(), image.end());
    std::unique_ptr<lmacho::FatBinary> fat = lmacho::Parser::parse(copy, "", lmacho::ParserConfig::quick());
    if (!fat || fat->size() == 0) return fail("could not parse the image");
    std::vector<MachoSymbol> out;
    for (const lmacho::Symbol& sym : fat->at(0).symbols()) {
      if (sym.origin() != lmacho::SYMBOL_ORIGINS::SYM_ORIGIN_LC_SYMTAB) continue;
      if (out.size() >= cap) break;
      out.push_back({sym.name(), sym.type(), sym.numberof_sections(), sym.value()});
    }
    return out;
  } catch (const LIEF::exception& e) {
    return fail(e.what());
  } catch (const std::bad_alloc&) {
    return fail("out of memory");
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unknown exception");
  }
}

}  // namespace sdkscope::apple
