#!/usr/bin/env bash
# Builds the ELF fixtures in testdata/native/ from the C text in testdata/native/src/.
# Usage: scripts/gen-native-fixtures.sh   (needs gcc, clang-14, lld-14, llvm-objcopy-14)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/testdata/native/src"
out="$root/testdata/native"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

CLANG="${CLANG:-clang-14}"
OBJCOPY="${OBJCOPY:-llvm-objcopy-14}"
# No debug info, no build paths, no build id: the outputs depend only on the C text and the tools.
common=(-O1 -fPIC -fno-builtin -fno-asynchronous-unwind-tables -ffile-prefix-map="$root"=.)

# (1) host x86_64: gcc + the system linker, linked to the real libc and libm.
mkdir -p "$out/x86_64"
gcc "${common[@]}" -shared -o "$out/x86_64/libdemo.so" "$src/demo.c" \
  -Wl,-soname,libdemo.so -Wl,--build-id=none -Wl,--no-as-needed -lm -lc

# (2), (3) Android aarch64 and armv7, (4) big-endian MIPS: clang + lld without an NDK. Stub
# libc.so/liblog.so exist only to be linked against, so the fixture gets real DT_NEEDED entries
# and undefined (imported) symbols.
cross_lib() {  # cross_lib TRIPLE OUTDIR
  local triple="$1" abi="$2" stubs="$tmp/$2"
  mkdir -p "$stubs" "$out/$abi"
  local cc=("$CLANG" "--target=$triple" "${common[@]}" -nostdlib -fuse-ld=lld -shared -Wl,--build-id=none)
  "${cc[@]}" -o "$stubs/libc.so" "$src/stub_libc.c" -Wl,-soname,libc.so
  "${cc[@]}" -o "$stubs/liblog.so" "$src/stub_liblog.c" -Wl,-soname,liblog.so
  "${cc[@]}" -o "$out/$abi/libacmetrack.so" "$src/acmetrack.c" \
    -Wl,-soname,libacmetrack.so -L"$stubs" -llog -lc
}
cross_lib aarch64-linux-android21 arm64-v8a
cross_lib armv7a-linux-androideabi21 armeabi-v7a
# Not an Android ABI, but the one way to exercise the big-endian paths.
cross_lib mips-linux-gnu mips-be

# (5) no section headers at all, as packers and some strippers leave Android libraries.
mkdir -p "$out/stripped"
"$OBJCOPY" --strip-sections "$out/arm64-v8a/libacmetrack.so" "$out/stripped/libacmetrack-nosections.so"

# (6) Call sites with constant arguments (scanner/native/elf_calls.hpp): -O2 like a release
# build, nothing linked, so every callee (CCCrypt, ptrace, dlopen, ...) stays undefined and is
# called through the PLT; and the same library without section headers, whose PLT relocations
# only the dynamic segment still locates.
"$CLANG" --target=aarch64-linux-android21 "${common[@]}" -O2 -nostdlib -fuse-ld=lld -shared -Wl,--build-id=none \
  -Wl,-soname,libcalls.so -o "$out/arm64-v8a/libcalls.so" "$src/calls.c"
"$OBJCOPY" --strip-sections "$out/arm64-v8a/libcalls.so" "$out/stripped/libcalls-nosections.so"

ls -l "$out"/*/*.so
