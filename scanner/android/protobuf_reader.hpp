// A small, bounds-checked protobuf wire-format reader for the two aapt2 messages an Android App
// Bundle carries (XmlNode manifests, ResourceTable). No libprotobuf: we read a handful of fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/model/diagnostic.hpp"
#include "scanner/util/byte_reader.hpp"

namespace sdkscope::android::pb {

/// Nesting limit for messages and groups. libprotobuf, which aapt2 and bundletool use to read
/// these files, refuses deeper input by default (its recursion limit is 100), so anything deeper
/// was not written by the Android toolchain; it also bounds our own recursion.
inline constexpr std::size_t kDefaultMaxDepth = 100;

/// The six wire types of the protobuf encoding (3 and 4 are the deprecated groups).
enum class WireType : std::uint8_t { Varint = 0, Fixed64 = 1, Len = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 };

/// One decoded field. `bytes` views the payload of a Len field inside the input buffer; `value`
/// holds the payload of Varint, Fixed32 and Fixed64 fields.
struct Field {
  std::uint32_t number = 0;
  WireType wire = WireType::Varint;
  std::uint64_t value = 0;
  Bytes bytes;
  bool truncated = false;  ///< a Len payload cut short by the end of its message (holds what is there)
};

/// State shared by every reader of one decode: where diagnostics go, the nesting depth, and
/// a per-code de-duplication so a corrupt file yields a handful of diagnostics, not thousands.
class DecodeContext {
 public:
  /// `input` is the whole buffer being decoded; offsets in messages are reported relative to it.
  DecodeContext(Bytes input, Diagnostics& diags, std::string where, std::size_t max_depth = kDefaultMaxDepth);
  DecodeContext(const DecodeContext&) = delete;
  DecodeContext& operator=(const DecodeContext&) = delete;
  /// Appends the "(N more like this)" counts to the diagnostics already reported.
  ~DecodeContext();

  /// Records a warning under `code`; only the first of each code is kept, later ones are counted.
  void report(std::string_view code, const std::string& message);
  /// True once any problem was reported.
  bool had_errors() const { return reports_ != 0; }
  /// Problems reported so far (folded ones included): compare before and after decoding a
  /// value to tell whether that value is sound.
  std::size_t report_count() const { return reports_; }
  /// Byte offset of `p` within the input (for messages).
  std::size_t offset_of(const std::uint8_t* p) const;

  /// Enters one level of nesting; false (and a "pb.too_deep" report) past the limit. Every true
  /// return must be paired with leave(); use DepthGuard.
  bool enter();
  void leave() { --depth_; }
  std::size_t depth() const { return depth_; }
  std::size_t max_depth() const { return max_depth_; }

 private:
  struct Reported {
    std::string code;
    std::size_t index = 0;    ///< position in diags_.items()
    std::size_t repeats = 0;  ///< later reports folded into it
  };
  Bytes input_;
  Diagnostics& diags_;
  std::string where_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::size_t reports_ = 0;
  std::vector<Reported> reported_;
};

/// Scoped nesting level: `DepthGuard g(ctx); if (!g) return;` before reading a sub-message.
class DepthGuard {
 public:
  explicit DepthGuard(DecodeContext& ctx) : ctx_(ctx), entered_(ctx.enter()) {}
  ~DepthGuard() {
    if (entered_) ctx_.leave();
  }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  explicit operator bool() const { return entered_; }

 private:
  DecodeContext& ctx_;
  bool entered_;
};

/// Reads the fields of one message in order. Never throws: on malformed input (a field running
/// past the end, a bad tag or wire type, an over-long varint) it reports to the context and
/// stops, so the caller keeps the fields it already has. A length-delimited field that runs past
/// the end is still returned, holding the bytes that are there, so that a truncated file yields
/// its beginning; reading stops after it. Groups are skipped whole.
class MessageReader {
 public:
  MessageReader(Bytes message, DecodeContext& ctx) : reader_(message), ctx_(ctx) {}

  /// The next field; false at the end of the message or after an error.
  bool next(Field& field);
  /// False when reading stopped on malformed input.
  bool ok() const { return ok_; }

 private:
  bool read_varint(std::uint64_t& out);
  bool read_tag(std::uint32_t& number, WireType& wire);
  bool skip_group(std::uint32_t number);
  bool fail(std::string_view code, const std::string& message);

  ByteReader reader_;
  DecodeContext& ctx_;
  std::size_t pos_ = 0;
  bool ok_ = true;
  bool done_ = false;
};

/// True when `field` has wire type `wire`; otherwise reports "pb.bad_wire_type" naming the
/// message and field (the schema says otherwise, so the field is skipped) and returns false.
bool expect_wire(const Field& field, WireType wire, DecodeContext& ctx, std::string_view message);

/// True when `field` is a complete Len field usable as a string: like expect_wire(Len), and
/// false without a report for a truncated one (half a string is not the string).
bool expect_string(const Field& field, DecodeContext& ctx, std::string_view message);

/// A Len field as a UTF-8 string (invalid sequences replaced with U+FFFD).
std::string to_string(const Field& field);

/// The `uint32 id = 1` of the small id wrapper messages (PackageId, TypeId, EntryId), or of
/// SourcePosition.line_number: the last field 1 wins, as in protobuf; 0 when absent.
std::uint32_t read_uint32_field1(Bytes message, DecodeContext& ctx, std::string_view message_name);

}  // namespace sdkscope::android::pb
