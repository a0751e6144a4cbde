# FindLIEF: Debian's liblief-dev (0.9) ships headers and libLIEF.so but no CMake config.
# Defines LIEF_FOUND, LIEF_INCLUDE_DIRS, LIEF_LIBRARIES and the imported target LIEF::LIEF.
find_path(LIEF_INCLUDE_DIR NAMES LIEF/LIEF.hpp)
find_library(LIEF_LIBRARY NAMES LIEF)
if(LIEF_INCLUDE_DIR AND EXISTS "${LIEF_INCLUDE_DIR}/LIEF/version.h")
  file(STRINGS "${LIEF_INCLUDE_DIR}/LIEF/version.h" _lief_ver REGEX "#define LIEF_VERSION ")
  string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" LIEF_VERSION "${_lief_ver}")
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LIEF REQUIRED_VARS LIEF_LIBRARY LIEF_INCLUDE_DIR VERSION_VAR LIEF_VERSION)
if(LIEF_FOUND AND NOT TARGET LIEF::LIEF)
  add_library(LIEF::LIEF UNKNOWN IMPORTED)
  # SYSTEM: LIEF 0.9 headers do not compile warning-free under -Wpedantic/-Wshadow.
  set_target_properties(LIEF::LIEF PROPERTIES
    IMPORTED_LOCATION "${LIEF_LIBRARY}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${LIEF_INCLUDE_DIR}")
  set(LIEF_INCLUDE_DIRS "${LIEF_INCLUDE_DIR}")
  set(LIEF_LIBRARIES "${LIEF_LIBRARY}")
endif()
mark_as_advanced(LIEF_INCLUDE_DIR LIEF_LIBRARY)
