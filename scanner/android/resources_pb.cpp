// Decoder for aapt.pb.ResourceTable (an App Bundle module's resources.pb). The wire format and the
// reader's error model are described at the top of proto_xml.cpp; the schema is AOSP
// frameworks/base/tools/aapt2/Resources.proto (Apache-2.0), of which we read:
//   ResourceTable { StringPool source_pool = 1; repeated Package package = 2; }
//   Package       { PackageId package_id = 1; string package_name = 2; repeated Type type = 3; }
//   Type          { TypeId type_id = 1; string name = 2; repeated Entry entry = 3; }
//   Entry         { EntryId entry_id = 1; string name = 2; ...; repeated ConfigValue config_value = 6; }
//   PackageId / TypeId / EntryId { uint32 id = 1; }   (absent when no id was assigned)
//   ConfigValue   { Configuration config = 1; Value value = 2; }
//   Value         { ...; oneof value { Item item = 4; CompoundValue compound_value = 5; } }
//   CompoundValue { oneof value { ...; Style style = 2; ...; Array array = 4; Plural plural = 5; } }
//   Style { repeated Entry entry = 3; }  Style.Entry { Item item = 4; }
//   Array { repeated Element element = 1; }  Array.Element { Item item = 3; }
//   Plural { repeated Entry entry = 1; }  Plural.Entry { Item item = 4; }
// The default configuration is a Configuration with no qualifier set (aapt2 writes it as an
// empty message); `product` (field 25) is a build-time selector, not a device qualifier.
//
// Fields of one message may arrive in any order, so Package and Type first collect their fields
// and then interpret them: an Entry's id is known before its values are recorded under it.
#include "scanner/android/resources_pb.hpp"

#include <exception>
#include <unordered_set>
#include <utility>
#include <vector>

#include "scanner/android/proto_item.hpp"

namespace sdkscope::android {
namespace {

constexpr std::uint32_t kTablePackage = 2;
constexpr std::uint32_t kPackageId = 1, kPackageName = 2, kPackageType = 3;
constexpr std::uint32_t kTypeId = 1, kTypeName = 2, kTypeEntry = 3;
constexpr std::uint32_t kEntryId = 1, kEntryName = 2, kEntryConfigValue = 6;
constexpr std::uint32_t kConfigValueConfig = 1, kConfigValueValue = 2;
constexpr std::uint32_t kConfigurationProduct = 25;
constexpr std::uint32_t kValueItem = 4, kValueCompound = 5;
constexpr std::uint32_t kCompoundStyle = 2, kCompoundArray = 4, kCompoundPlural = 5;
constexpr std::uint32_t kStyleEntry = 3, kStyleEntryItem = 4;
constexpr std::uint32_t kArrayElement = 1, kArrayElementItem = 3;
constexpr std::uint32_t kPluralEntry = 1, kPluralEntryItem = 4;

constexpr std::uint32_t kAppPackageId = 0x7f;
constexpr std::uint32_t kMaxPackageId = 0xff, kMaxTypeId = 0xff, kMaxEntryId = 0xffff;

using pb::Field;
using pb::WireType;

// An id wrapper field (PackageId/TypeId/EntryId) as seen while collecting a message's fields.
struct OptionalId {
  bool present = false;
  std::uint32_t value = 0;
};

class TableDecoder {
 public:
  TableDecoder(pb::DecodeContext& ctx, const ResourcesPbLimits& limits, ResourceTable& table)
      : ctx_(ctx), limits_(limits), table_(table) {}

  void read_table(Bytes message) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (f.number == kTablePackage && pb::expect_wire(f, WireType::Len, ctx_, "ResourceTable")) read_package(f.bytes);
    }
    resolve_references();
  }

 private:
  void read_package(Bytes message) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    OptionalId id;
    std::string name;
    std::vector<Bytes> types;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (f.number == kPackageId) read_id(f, "Package", id);
      else if (f.number == kPackageName && pb::expect_string(f, ctx_, "Package")) name = pb::to_string(f);
      else if (f.number == kPackageType && pb::expect_wire(f, WireType::Len, ctx_, "Package")) {
        if (types.size() <= kMaxTypeId) types.push_back(f.bytes);
        else ctx_.report("pb.limit", "more than 256 types in one package; the rest were skipped");
      }
    }
    if (id.present && id.value > kMaxPackageId) {
      ctx_.report("pb.bad_id", "package id " + std::to_string(id.value) + " is out of range; its ids were dropped");
      id.present = false;
    }
    if (id.present && id.value == kAppPackageId && table_.package.empty()) table_.package = name;
    for (Bytes t : types) read_type(t, id);
  }

  void read_type(Bytes message, OptionalId package_id) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    OptionalId id;
    std::string name;
    std::vector<Bytes> entries;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (f.number == kTypeId) read_id(f, "Type", id);
      else if (f.number == kTypeName && pb::expect_string(f, ctx_, "Type")) name = pb::to_string(f);
      else if (f.number == kTypeEntry && pb::expect_wire(f, WireType::Len, ctx_, "Type") && take_entry_span())
        entries.push_back(f.bytes);
    }
    if (id.present && (id.value == 0 || id.value > kMaxTypeId)) {
      ctx_.report("pb.bad_id", "type id " + std::to_string(id.value) + " is out of range; its ids were dropped");
      id.present = false;
    }
    OptionalId prefix;
    if (package_id.present && id.present) prefix = {true, (package_id.value << 24) | (id.value << 16)};
    for (Bytes e : entries) read_entry(e, prefix, name);
  }

  // `prefix` holds package_id << 24 | type_id << 16 when both are known. Config values are
  // read as they come: choosing the value does not depend on the entry's id.
  void read_entry(Bytes message, OptionalId prefix, const std::string& type_name) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    OptionalId id;
    std::string name;
    pb::Item chosen;  // the default configuration's value, else the first configuration's
    bool chosen_is_default = false;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (f.number == kEntryId) {
        read_id(f, "Entry", id);
      } else if (f.number == kEntryName && pb::expect_string(f, ctx_, "Entry")) {
        name = pb::to_string(f);
      } else if (f.number == kEntryConfigValue && pb::expect_wire(f, WireType::Len, ctx_, "Entry")) {
        bool is_default = true;
        pb::Item item = read_config_value(f.bytes, is_default);
        if (!item.is_string() && item.kind != pb::Item::Kind::File && item.kind != pb::Item::Kind::Reference) continue;
        if (chosen.kind == pb::Item::Kind::None || (is_default && !chosen_is_default)) {
          chosen = std::move(item);
          chosen_is_default = is_default;
        }
      }
    }
    if (id.present && id.value > kMaxEntryId) {
      ctx_.report("pb.bad_id", "entry id " + std::to_string(id.value) + " is out of range; dropped");
      id.present = false;
    }
    if (!prefix.present || !id.present) return;
    if (recorded_ >= limits_.max_entries) {
      ctx_.report("pb.limit", "more than " + std::to_string(limits_.max_entries) + " resource entries; the rest were skipped");
      return;
    }
    ++recorded_;
    std::uint32_t res_id = prefix.value | id.value;
    if (!name.empty()) table_.names.emplace(res_id, type_name + "/" + name);
    if (chosen.kind == pb::Item::Kind::Reference) {
      if (chosen.ref_id != 0 && !chosen.ref_is_attribute) aliases_.emplace(res_id, chosen.ref_id);
    } else if (chosen.kind != pb::Item::Kind::None) {
      table_.values.emplace(res_id, std::move(chosen.str));
    }
  }

  // ConfigValue -> the Item of its Value (Kind::None for compound values, whose strings are
  // still collected); `is_default` tells whether its configuration is the default one.
  pb::Item read_config_value(Bytes message, bool& is_default) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return {};
    pb::Item item;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (f.number == kConfigValueConfig && pb::expect_wire(f, WireType::Len, ctx_, "ConfigValue"))
        is_default = is_default_config(f.bytes);
      else if (f.number == kConfigValueValue && pb::expect_wire(f, WireType::Len, ctx_, "ConfigValue"))
        item = read_value(f.bytes);
    }
    return item;
  }

  bool is_default_config(Bytes message) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return false;
    pb::MessageReader r(message, ctx_);
    Field f;
    bool is_default = true;
    while (r.next(f)) {
      if (f.number == kConfigurationProduct) continue;
      // proto3 omits zero values; an explicit zero still means "not set".
      if (f.wire == WireType::Len ? !f.bytes.empty() : f.value != 0) is_default = false;
    }
    return is_default;
  }

  pb::Item read_value(Bytes message) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return {};
    pb::Item item;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (f.number == kValueItem && pb::expect_wire(f, WireType::Len, ctx_, "Value")) {
        item = pb::read_item(f.bytes, ctx_);
        collect_string(item);
      } else if (f.number == kValueCompound && pb::expect_wire(f, WireType::Len, ctx_, "Value")) {
        item = {};
        read_compound(f.bytes);
      }
    }
    return item;
  }

  // Compound values hold no value for the id, but their strings belong in `strings`.
  void read_compound(Bytes message) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (!pb::expect_wire(f, WireType::Len, ctx_, "CompoundValue")) continue;
      if (f.number == kCompoundStyle) read_item_list(f.bytes, kStyleEntry, kStyleEntryItem, "Style");
      else if (f.number == kCompoundArray) read_item_list(f.bytes, kArrayElement, kArrayElementItem, "Array");
      else if (f.number == kCompoundPlural) read_item_list(f.bytes, kPluralEntry, kPluralEntryItem, "Plural");
    }
  }

  // A compound value's repeated `list_field` of messages, each holding an Item at `item_field`.
  void read_item_list(Bytes message, std::uint32_t list_field, std::uint32_t item_field, std::string_view name) {
    pb::DepthGuard guard(ctx_);
    if (!guard) return;
    pb::MessageReader r(message, ctx_);
    Field f;
    while (r.next(f)) {
      if (f.number != list_field || !pb::expect_wire(f, WireType::Len, ctx_, name)) continue;
      pb::DepthGuard element_guard(ctx_);
      if (!element_guard) continue;
      pb::MessageReader er(f.bytes, ctx_);
      Field ef;
      while (er.next(ef)) {
        if (ef.number == item_field && pb::expect_wire(ef, WireType::Len, ctx_, name))
          collect_string(pb::read_item(ef.bytes, ctx_));
      }
    }
  }

  void collect_string(const pb::Item& item) {
    if (!item.is_string() || strings_full_) return;
    if (seen_.count(item.str)) return;
    if (table_.strings.size() >= limits_.max_strings) {
      strings_full_ = true;
      ctx_.report("pb.limit", "more than " + std::to_string(limits_.max_strings) + " distinct strings; the rest were skipped");
      return;
    }
    seen_.insert(item.str);
    table_.strings.push_back(item.str);
  }

  // Entries are collected before they are interpreted (their type's id may come last); this
  // bounds the spans held in memory by the entry limit. Types are bounded per package: a type id
  // is one byte, so a package has at most 256 of them.
  bool take_entry_span() {
    if (entry_spans_ < limits_.max_entries) {
      ++entry_spans_;
      return true;
    }
    ctx_.report("pb.limit", "more than " + std::to_string(limits_.max_entries) + " resource entries; the rest were skipped");
    return false;
  }

  // PackageId / TypeId / EntryId field: a message { uint32 id = 1; }, present even when empty.
  // An id that could not be read whole stays absent rather than becoming 0.
  void read_id(const Field& f, std::string_view message, OptionalId& out) {
    if (!pb::expect_wire(f, WireType::Len, ctx_, message)) return;
    const std::size_t reports_before = ctx_.report_count();
    std::uint32_t value = pb::read_uint32_field1(f.bytes, ctx_, "id");
    if (ctx_.report_count() == reports_before && !f.truncated) out = {true, value};
  }

  // Follows alias chains (an entry whose value is @type/other) to the string or path they end at.
  void resolve_references() {
    std::vector<std::pair<std::uint32_t, std::string>> resolved;
    for (const auto& [id, first_target] : aliases_) {
      std::uint32_t target = first_target;
      for (std::size_t hop = 0; hop < limits_.max_reference_hops; ++hop) {
        if (auto v = table_.values.find(target); v != table_.values.end()) {
          resolved.emplace_back(id, v->second);
          break;
        }
        auto next = aliases_.find(target);
        if (next == aliases_.end()) break;
        target = next->second;
      }
    }
    for (auto& [id, value] : resolved) table_.values.emplace(id, std::move(value));
  }

  pb::DecodeContext& ctx_;
  const ResourcesPbLimits& limits_;
  ResourceTable& table_;
  std::unordered_set<std::string> seen_;
  bool strings_full_ = false;
  std::size_t recorded_ = 0;     ///< entries recorded in names/values
  std::size_t entry_spans_ = 0;  ///< entry spans collected so far
  std::unordered_map<std::uint32_t, std::uint32_t> aliases_;  ///< id -> referenced id
};

}  // namespace

ResourcesPbResult parse_resources_pb(Bytes data, Diagnostics& diags, const std::string& where,
                                     const ResourcesPbLimits& limits) {
  ResourcesPbResult result;
  try {
    pb::DecodeContext ctx(data, diags, where, limits.max_depth);
    TableDecoder decoder(ctx, limits, result.table);
    decoder.read_table(data);
    result.complete = !ctx.had_errors();
  } catch (const std::exception& e) {
    // Only allocation failure can get here: the reader itself never throws.
    diags.warn("pb.limit", where, std::string("resources.pb decoding ran out of resources: ") + e.what());
    result.complete = false;
  }
  return result;
}

}  // namespace sdkscope::android
