// Members of a Unix "!<arch>\n" archive (static libraries), BSD and GNU variants.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::apple {

struct ArMember {
  std::string name;
  std::size_t offset = 0;  ///< start of the member's data in the archive (after a BSD long name)
  std::size_t size = 0;    ///< bytes of data
};

/// True when data starts with the archive magic "!<arch>\n".
bool is_ar_archive(Bytes data);

/// Lists the data members of an archive in file order. Symbol tables ("__.SYMDEF*", GNU "/" and
/// "/SYM64/") and the GNU long-name table ("//") are not listed. A header that does not parse or
/// a name that points outside its table gets "ar.bad_member" and ends the listing; a member whose
/// size runs past the end of the file gets "ar.bad_member" and is listed clipped, as the last
/// one. More than max_members members get "macho.limit". Never throws.
std::vector<ArMember> list_ar_members(Bytes data, std::size_t max_members, Diagnostics& diags,
                                      const std::string& where);

}  // namespace sdkscope::apple
