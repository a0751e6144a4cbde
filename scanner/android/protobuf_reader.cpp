// The protobuf wire-format reader behind proto_xml and resources_pb. The encoding is documented
// at https://protobuf.dev/programming-guides/encoding/; the essay is at the top of proto_xml.cpp.
#include "scanner/android/protobuf_reader.hpp"

#include "scanner/util/strings.hpp"

namespace sdkscope::android::pb {

// A tag is a varint of (field_number << 3 | wire_type); field numbers are 1 .. 2^29-1.
constexpr std::uint64_t kMaxFieldNumber = (1u << 29) - 1;
// A varint encodes at most 64 bits in 7-bit groups.
constexpr int kMaxVarintBytes = 10;

DecodeContext::DecodeContext(Bytes input, Diagnostics& diags, std::string where, std::size_t max_depth)
    : input_(input), diags_(diags), where_(std::move(where)), max_depth_(max_depth) {}

DecodeContext::~DecodeContext() {
  for (const auto& r : reported_) {
    if (r.repeats == 0 || r.index >= diags_.items().size()) continue;
    diags_.items()[r.index].message += " (" + std::to_string(r.repeats) + " more like this)";
  }
}

void DecodeContext::report(std::string_view code, const std::string& message) {
  ++reports_;
  for (auto& r : reported_) {
    if (r.code == code) {
      ++r.repeats;
      return;
    }
  }
  reported_.push_back({std::string(code), diags_.size(), 0});
  diags_.warn(std::string(code), where_, message);
}

std::size_t DecodeContext::offset_of(const std::uint8_t* p) const {
  const auto* base = input_.data();
  if (p == nullptr || base == nullptr || p < base || p > base + input_.size()) return 0;
  return static_cast<std::size_t>(p - base);
}

bool DecodeContext::enter() {
  if (depth_ >= max_depth_) {
    report("pb.too_deep", "messages nested deeper than " + std::to_string(max_depth_) +
                              " levels; the deeper part was skipped");
    return false;
  }
  ++depth_;
  return true;
}

bool MessageReader::fail(std::string_view code, const std::string& message) {
  ok_ = false;
  done_ = true;
  ctx_.report(code, message + " at offset " + std::to_string(ctx_.offset_of(reader_.data().data()) + pos_));
  return false;
}

bool MessageReader::read_varint(std::uint64_t& out) {
  out = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (!reader_.has(pos_, 1)) return fail("pb.truncated", "varint runs past the end of its message");
    std::uint8_t b = reader_.u8(pos_++);
    out |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return true;
  }
  return fail("pb.bad_varint", "varint longer than 10 bytes");
}

bool MessageReader::read_tag(std::uint32_t& number, WireType& wire) {
  std::uint64_t tag = 0;
  if (!read_varint(tag)) return false;
  std::uint64_t n = tag >> 3;
  if (n == 0 || n > kMaxFieldNumber) return fail("pb.bad_tag", "invalid field number " + std::to_string(n));
  auto w = static_cast<std::uint8_t>(tag & 7);
  if (w > 5) return fail("pb.bad_wire_type", "invalid wire type " + std::to_string(w));
  number = static_cast<std::uint32_t>(n);
  wire = static_cast<WireType>(w);
  return true;
}

// Skips a group up to its matching end-group tag. Iterative, with the nesting of inner groups
// held in `open` and counted against the context's depth limit.
bool MessageReader::skip_group(std::uint32_t number) {
  std::vector<std::uint32_t> open{number};
  std::size_t base_depth = ctx_.depth();
  while (!open.empty()) {
    if (base_depth + open.size() > ctx_.max_depth()) {
      ctx_.report("pb.too_deep", "groups nested deeper than " + std::to_string(ctx_.max_depth()) +
                                     " levels; the rest of the message was skipped");
      ok_ = false;
      done_ = true;
      return false;
    }
    std::uint32_t n = 0;
    WireType w = WireType::Varint;
    if (!reader_.has(pos_, 1)) return fail("pb.truncated", "group without its end tag");
    if (!read_tag(n, w)) return false;
    std::uint64_t v = 0;
    switch (w) {
      case WireType::Varint:
        if (!read_varint(v)) return false;
        break;
      case WireType::Fixed64:
        if (!reader_.has(pos_, 8)) return fail("pb.truncated", "fixed64 runs past the end of its message");
        pos_ += 8;
        break;
      case WireType::Fixed32:
        if (!reader_.has(pos_, 4)) return fail("pb.truncated", "fixed32 runs past the end of its message");
        pos_ += 4;
        break;
      case WireType::Len:
        if (!read_varint(v)) return false;
        if (!reader_.has(pos_, v)) return fail("pb.truncated", "length-delimited field runs past the end of its message");
        pos_ += static_cast<std::size_t>(v);
        break;
      case WireType::StartGroup:
        open.push_back(n);
        break;
      case WireType::EndGroup:
        if (n != open.back()) return fail("pb.bad_wire_type", "end-group tag does not match its start");
        open.pop_back();
        break;
    }
  }
  return true;
}

bool MessageReader::next(Field& field) {
  if (done_) return false;
  if (pos_ >= reader_.size()) {
    done_ = true;
    return false;
  }
  field = Field{};
  if (!read_tag(field.number, field.wire)) return false;
  switch (field.wire) {
    case WireType::Varint:
      return read_varint(field.value);
    case WireType::Fixed64:
      if (!reader_.has(pos_, 8)) return fail("pb.truncated", "fixed64 runs past the end of its message");
      field.value = reader_.u64(pos_);
      pos_ += 8;
      return true;
    case WireType::Fixed32:
      if (!reader_.has(pos_, 4)) return fail("pb.truncated", "fixed32 runs past the end of its message");
      field.value = reader_.u32(pos_);
      pos_ += 4;
      return true;
    case WireType::Len: {
      std::uint64_t len = 0;
      if (!read_varint(len)) return false;
      if (!reader_.has(pos_, len)) {
        // Hand over the bytes that are there: a cut-off file still yields its beginning.
        fail("pb.truncated", "length-delimited field " + std::to_string(field.number) + " (" + std::to_string(len) +
                                 " bytes) runs past the end of its message");
        field.bytes = reader_.slice(pos_, reader_.size() - pos_);
        field.truncated = true;
        pos_ = reader_.size();
        return true;
      }
      field.bytes = reader_.slice(pos_, static_cast<std::size_t>(len));
      pos_ += static_cast<std::size_t>(len);
      return true;
    }
    case WireType::StartGroup:
      // Groups carry no field we read; skip and hand the caller an empty field to ignore.
      return skip_group(field.number);
    case WireType::EndGroup:
      return fail("pb.bad_wire_type", "end-group tag without a matching start");
  }
  return fail("pb.bad_wire_type", "invalid wire type");
}

bool expect_wire(const Field& field, WireType wire, DecodeContext& ctx, std::string_view message) {
  if (field.wire == wire) return true;
  // A skipped group is not worth a second diagnostic.
  if (field.wire == WireType::StartGroup) return false;
  ctx.report("pb.bad_wire_type", std::string(message) + " field " + std::to_string(field.number) +
                                     " has wire type " + std::to_string(static_cast<int>(field.wire)) +
                                     ", expected " + std::to_string(static_cast<int>(wire)) + "; skipped");
  return false;
}

bool expect_string(const Field& field, DecodeContext& ctx, std::string_view message) {
  return expect_wire(field, WireType::Len, ctx, message) && !field.truncated;
}

std::string to_string(const Field& field) {
  return sanitize_utf8(std::string_view(reinterpret_cast<const char*>(field.bytes.data()), field.bytes.size()));
}

std::uint32_t read_uint32_field1(Bytes message, DecodeContext& ctx, std::string_view message_name) {
  DepthGuard guard(ctx);
  if (!guard) return 0;
  std::uint32_t out = 0;
  MessageReader r(message, ctx);
  Field f;
  while (r.next(f)) {
    if (f.number == 1 && expect_wire(f, WireType::Varint, ctx, message_name)) out = static_cast<std::uint32_t>(f.value);
  }
  return out;
}

}  // namespace sdkscope::android::pb
