#!/usr/bin/env python3
"""Ad-hoc signs a thin arm64 Mach-O image with an entitlements blob, as codesign would, without
codesign: scripts/gen-check-fixtures-native-ios.sh runs it on the main executables of the iOS
check fixtures, which ld64.lld links with its own ad-hoc signature (LC_CODE_SIGNATURE, no
entitlements).

The signature replaces the linker's one at the end of __LINKEDIT (Apple's cs_blobs.h, every field
big-endian whatever the image's byte order):
  SuperBlob 0xfade0cc0 {CodeDirectory (slot 0), Requirements (slot 2), Entitlements (slot 5)}
  CodeDirectory 0xfade0c02 version 0x20400, CS_ADHOC, SHA-256 of every 4 KiB page of the file up
    to the signature, special slots -1 Info.plist, -2 requirements, -5 entitlements (-3 resource
    directory and -4 are left zero: the fixtures have no _CodeSignature/CodeResources)
  Requirements 0xfade0c01 with no requirement (what codesign writes for ad-hoc signatures)
  Entitlements 0xfade7171 followed by the XML plist text

--encrypt imitates an App Store (FairPlay) binary: cryptid 1 in LC_ENCRYPTION_INFO_64 and the
bytes of its range [cryptoff, cryptoff + cryptsize) replaced by a SHA-256 counter key stream XORed
with them, so nothing in that range (code, C strings, selector names) is readable any more.

Usage: macho_sign.py IN OUT --identifier ID [--entitlements FILE] [--info-plist FILE] [--encrypt]
"""
import argparse
import hashlib
import struct
import sys

MH_MAGIC_64 = 0xFEEDFACF
LC_SEGMENT_64 = 0x19
LC_CODE_SIGNATURE = 0x1D
LC_ENCRYPTION_INFO_64 = 0x2C

CSMAGIC_EMBEDDED_SIGNATURE = 0xFADE0CC0
CSMAGIC_CODEDIRECTORY = 0xFADE0C02
CSMAGIC_REQUIREMENTS = 0xFADE0C01
CSMAGIC_EMBEDDED_ENTITLEMENTS = 0xFADE7171
CSSLOT_CODEDIRECTORY, CSSLOT_REQUIREMENTS, CSSLOT_ENTITLEMENTS = 0, 2, 5
CS_ADHOC = 0x2
CS_HASHTYPE_SHA256 = 2
CS_EXECSEG_MAIN_BINARY = 0x1
MH_EXECUTE = 0x2
PAGE_SHIFT = 12  # code hash pages: 4 KiB, as codesign uses for arm64
SPECIAL_SLOTS = 5
CD_HEADER = 88  # CodeDirectory through execSegFlags (version 0x20400)


def load_commands(data):
    magic, _cpu, _sub, filetype, ncmds, _size, _flags, _res = struct.unpack_from("<IiiIIIII", data, 0)
    if magic != MH_MAGIC_64:
        sys.exit("not a thin little-endian 64-bit Mach-O image")
    off, out = 32, []
    for _ in range(ncmds):
        cmd, size = struct.unpack_from("<II", data, off)
        out.append((cmd, off, size))
        off += size
    return filetype, out


def segment(data, cmds, name):
    for cmd, off, _ in cmds:
        if cmd == LC_SEGMENT_64 and data[off + 8 : off + 24].rstrip(b"\0") == name:
            return off
    sys.exit(f"no {name.decode()} segment")


def blob(magic, payload):
    return struct.pack(">II", magic, 8 + len(payload)) + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--identifier", required=True)
    ap.add_argument("--entitlements")
    ap.add_argument("--info-plist")
    ap.add_argument("--encrypt", action="store_true")
    a = ap.parse_args()

    data = bytearray(open(a.input, "rb").read())
    filetype, cmds = load_commands(data)
    sig = next((off for cmd, off, _ in cmds if cmd == LC_CODE_SIGNATURE), None)
    if sig is None:
        sys.exit("no LC_CODE_SIGNATURE: link with -adhoc_codesign")
    dataoff, _ = struct.unpack_from("<II", data, sig + 8)
    del data[dataoff:]  # drop the linker's signature

    if a.encrypt:
        enc = next((off for cmd, off, _ in cmds if cmd == LC_ENCRYPTION_INFO_64), None)
        if enc is None:
            sys.exit("no LC_ENCRYPTION_INFO_64")
        cryptoff, cryptsize, _ = struct.unpack_from("<III", data, enc + 8)
        struct.pack_into("<I", data, enc + 16, 1)  # cryptid
        stream = bytearray()
        counter = 0
        while len(stream) < cryptsize:
            stream += hashlib.sha256(b"sdkscope-fairplay-fixture" + counter.to_bytes(8, "little")).digest()
            counter += 1
        for i in range(cryptsize):
            data[cryptoff + i] ^= stream[i]

    ents = open(a.entitlements, "rb").read() if a.entitlements else None
    requirements = blob(CSMAGIC_REQUIREMENTS, struct.pack(">I", 0))
    entitlements = blob(CSMAGIC_EMBEDDED_ENTITLEMENTS, ents) if ents is not None else None

    # Sizes first: the header fields they change are inside the hashed pages.
    ident = a.identifier.encode() + b"\0"
    code_limit = dataoff
    n_code = (code_limit + (1 << PAGE_SHIFT) - 1) >> PAGE_SHIFT
    hash_offset = CD_HEADER + len(ident) + 32 * SPECIAL_SLOTS
    cd_length = hash_offset + 32 * n_code
    blobs_n = 3 if entitlements else 2
    sb_header = 12 + 8 * blobs_n
    total = sb_header + cd_length + len(requirements) + (len(entitlements) if entitlements else 0)
    padded = (total + 15) & ~15

    linkedit = segment(data, cmds, b"__LINKEDIT")
    le_fileoff = struct.unpack_from("<Q", data, linkedit + 40)[0]
    le_size = dataoff + padded - le_fileoff
    struct.pack_into("<Q", data, linkedit + 32, (le_size + 0x3FFF) & ~0x3FFF)  # vmsize
    struct.pack_into("<Q", data, linkedit + 48, le_size)  # filesize
    struct.pack_into("<II", data, sig + 8, dataoff, padded)

    text = segment(data, cmds, b"__TEXT")
    text_fileoff, text_filesize = struct.unpack_from("<QQ", data, text + 40)

    special = [b"\0" * 32] * SPECIAL_SLOTS  # index i: slot -(i + 1)
    if a.info_plist:
        special[0] = hashlib.sha256(open(a.info_plist, "rb").read()).digest()
    special[1] = hashlib.sha256(requirements).digest()
    if entitlements:
        special[4] = hashlib.sha256(entitlements).digest()
    code_hashes = b"".join(
        hashlib.sha256(bytes(data[i : min(i + (1 << PAGE_SHIFT), code_limit)])).digest()
        for i in range(0, code_limit, 1 << PAGE_SHIFT)
    )
    cd = struct.pack(
        ">IIIIIIIIIBBBBIIIIQQQQ",
        CSMAGIC_CODEDIRECTORY, cd_length, 0x20400, CS_ADHOC, hash_offset, CD_HEADER, SPECIAL_SLOTS, n_code,
        code_limit, 32, CS_HASHTYPE_SHA256, 0, PAGE_SHIFT, 0, 0, 0, 0, 0, text_fileoff, text_filesize,
        CS_EXECSEG_MAIN_BINARY if filetype == MH_EXECUTE else 0,
    )
    assert len(cd) == CD_HEADER
    cd += ident + b"".join(reversed(special)) + code_hashes
    assert len(cd) == cd_length

    index, body = [], b""
    for slot, b in ((CSSLOT_CODEDIRECTORY, cd), (CSSLOT_REQUIREMENTS, requirements), (CSSLOT_ENTITLEMENTS, entitlements)):
        if b is None:
            continue
        index.append(struct.pack(">II", slot, sb_header + len(body)))
        body += b
    superblob = struct.pack(">III", CSMAGIC_EMBEDDED_SIGNATURE, total, blobs_n) + b"".join(index) + body
    assert len(superblob) == total
    data += superblob + b"\0" * (padded - total)
    open(a.output, "wb").write(data)


if __name__ == "__main__":
    main()
