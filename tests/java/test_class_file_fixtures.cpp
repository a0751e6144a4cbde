// parse_class_file on the javac-built fixtures (testdata/java/src -> scripts/gen-java-fixtures.sh)
// and on hand-built pools: names, supers, interfaces, classes, strings (MUTF-8), method refs.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "java/java_test_util.hpp"
#include "java/javap.hpp"

using namespace sdkscope;
using sdkscope::test::Buf;
using sdkscope::test::ClassBuilder;
using Set = std::set<std::string>;
using List = std::vector<std::string>;

namespace {

java::ClassFile parse_clean(const std::string& rel) {
  const auto p = test::parse(test::class_fixture(rel));
  for (const auto& d : p.diags.items()) MESSAGE(rel << ": " << d.code << ": " << d.message);
  REQUIRE(p.r.ok);
  CHECK(p.diags.empty());
  CHECK(test::check_invariants(p) == "");
  return p.r.cls;
}

Set set_of(const List& v) { return {v.begin(), v.end()}; }

bool contains(const List& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

bool contains_bytes(const Buf& b, std::string_view needle) {
  const std::string_view hay(reinterpret_cast<const char*>(b.data()), b.size());
  return hay.find(needle) != std::string_view::npos;
}

}  // namespace

TEST_CASE("Tracker: name, super, interfaces, version, flags") {
  const auto c = parse_clean("java8/com/demo/sdk/Tracker.class");
  CHECK(c.name == "com.demo.sdk.Tracker");
  CHECK(c.super_name == "java.lang.Object");
  CHECK(c.interfaces == List{"com.demo.sdk.EventSink", "java.lang.Runnable"});
  CHECK(c.major_version == 52);
  CHECK(c.minor_version == 0);
  CHECK(c.access_flags == 0x0021);  // ACC_PUBLIC | ACC_SUPER
}

TEST_CASE("Tracker: referenced classes are dotted, sorted, unique; arrays unwrapped, primitives dropped") {
  const auto c = parse_clean("java8/com/demo/sdk/Tracker.class");
  // The pool holds both "java/lang/String" and "[Ljava/lang/String;" (one name), and "[I" (none).
  CHECK(c.referenced_classes == List{"com.demo.sdk.EventSink", "com.demo.sdk.Tracker", "com.demo.sdk.Tracker$Event",
                                     "com.demo.sdk.Tracker$Flusher", "java.lang.Object", "java.lang.Runnable",
                                     "java.lang.String", "java.lang.StringBuilder", "java.util.ArrayList",
                                     "java.util.List"});
}

TEST_CASE("Tracker: string constants, the folded concatenation included") {
  const auto c = parse_clean("java8/com/demo/sdk/Tracker.class");
  CHECK(set_of(c.strings) == Set{"https://collect.sdkscope-demo.net/v1/event",
                                 "SDK_VERSION_3.2.1",
                                 "https://collect.sdkscope-demo.net/v1/event?v=SDK_VERSION_3.2.1&p="});
  CHECK(c.strings.size() == 3);
}

TEST_CASE("Tracker: method refs, constructors, interface methods and the array clone") {
  const auto c = parse_clean("java8/com/demo/sdk/Tracker.class");
  CHECK(set_of(c.method_refs) == Set{"java.lang.Object.<init>", "java.util.ArrayList.<init>",
                                     "com.demo.sdk.Tracker$Event.<init>", "java.util.List.add",
                                     "com.demo.sdk.Tracker$Flusher.<init>", "com.demo.sdk.Tracker$Flusher.run",
                                     "java.util.List.size", "java.util.List.get", "[I.clone",
                                     "java.lang.StringBuilder.<init>", "java.lang.StringBuilder.append",
                                     "java.lang.StringBuilder.toString"});
  CHECK(c.method_refs.size() == 12);
}

TEST_CASE("inner classes, interfaces and a class under an SDK namespace") {
  const auto flusher = parse_clean("java8/com/demo/sdk/Tracker$Flusher.class");
  CHECK(flusher.name == "com.demo.sdk.Tracker$Flusher");
  CHECK(flusher.super_name == "java.lang.Object");
  CHECK(flusher.interfaces == List{"java.lang.Runnable"});
  CHECK(flusher.access_flags == 0x0030);  // ACC_FINAL | ACC_SUPER: package-private inner class
  CHECK(contains(flusher.method_refs, "com.demo.sdk.EventSink.isOpen"));  // InterfaceMethodref
  CHECK(contains(flusher.method_refs, "com.demo.sdk.EventSink.onEvent"));
  CHECK(contains(flusher.method_refs, "java.util.Iterator.hasNext"));
  CHECK(contains(flusher.method_refs, "com.demo.sdk.Tracker.access$000"));  // synthetic accessor
  CHECK(flusher.strings.empty());

  const auto event = parse_clean("java8/com/demo/sdk/Tracker$Event.class");
  CHECK(event.name == "com.demo.sdk.Tracker$Event");

  const auto sink = parse_clean("java8/com/demo/sdk/EventSink.class");
  CHECK(sink.name == "com.demo.sdk.EventSink");
  CHECK(sink.access_flags == 0x0601);  // ACC_PUBLIC | ACC_INTERFACE | ACC_ABSTRACT
  CHECK(sink.super_name == "java.lang.Object");
  CHECK(sink.interfaces.empty());
  CHECK(sink.referenced_classes == List{"com.demo.sdk.EventSink", "java.lang.Object"});
  CHECK(sink.method_refs.empty());

  const auto bugly = parse_clean("java8/com/tencent/bugly/crashreport/CrashReportFixture.class");
  CHECK(bugly.name == "com.tencent.bugly.crashreport.CrashReportFixture");
  CHECK(bugly.super_name == "com.demo.sdk.Tracker");
  CHECK(bugly.interfaces == List{"com.demo.sdk.EventSink"});
  CHECK(set_of(bugly.strings) ==
        Set{"init", ":debug", "", "https://crashreport-fixture.sdkscope-demo.net/rqd/async"});
  CHECK(contains(bugly.method_refs, "com.demo.sdk.Tracker.<init>"));
}

TEST_CASE("DeviceInfo: Settings$Secure.getString, MessageDigest, and an inlined framework constant") {
  const auto c = parse_clean("java8/com/demo/sdk/DeviceInfo.class");
  CHECK(c.name == "com.demo.sdk.DeviceInfo");
  CHECK(contains(c.method_refs, "android.provider.Settings$Secure.getString"));
  CHECK(contains(c.method_refs, "java.security.MessageDigest.getInstance"));
  CHECK(contains(c.method_refs, "java.security.MessageDigest.digest"));
  CHECK(contains(c.referenced_classes, "android.provider.Settings$Secure"));
  CHECK(contains(c.referenced_classes, "android.provider.Settings"));  // from InnerClasses
  CHECK(contains(c.referenced_classes, "java.security.MessageDigest"));
  CHECK_FALSE(contains(c.referenced_classes, "B"));  // "[B" is a primitive array
  // Settings.Secure.ANDROID_ID is a compile-time constant: javac copies "android_id" in.
  CHECK(set_of(c.strings) == Set{"android_id", "SHA-256"});
}

TEST_CASE("Unicode: modified UTF-8 (C0 80 for U+0000, surrogate pairs) decodes to UTF-8") {
  const Buf bytes = test::class_fixture("java8/com/demo/sdk/Unicode.class");
  // The fixture really holds the MUTF-8 forms, and not the UTF-8 ones.
  CHECK(contains_bytes(bytes, "a\xC0\x80" "b"));
  CHECK(contains_bytes(bytes, "\xED\xA0\xBD\xED\xB8\x80"));  // U+1F600 as CESU-8
  CHECK_FALSE(contains_bytes(bytes, "\xF0\x9F\x98\x80"));

  const auto c = parse_clean("java8/com/demo/sdk/Unicode.class");
  const std::string nul("a\0b", 3);
  const List expected_fields = {"Gr\xC3\xB6\xC3\x9F" "e", "\xE6\x95\xB0\xE6\x8D\xAE\xE4\xB8\x8A\xE6\x8A\xA5", nul,
                                "smile \xF0\x9F\x98\x80", ""};
  for (const auto& s : expected_fields) CHECK_MESSAGE(contains(c.strings, s), s);
  // The folded concatenation of all five, first in the pool.
  REQUIRE(c.strings.size() == 6);
  CHECK(c.strings[0] == expected_fields[0] + expected_fields[1] + nul + expected_fields[3]);
  CHECK(c.strings[0].size() == 7 + 12 + 3 + 10);
}

TEST_CASE("Java 17: record, invokedynamic, MethodHandle and MethodType entries") {
  const auto c = parse_clean("java17/com/demo/modern/Beacon.class");
  CHECK(c.major_version == 61);
  CHECK(c.name == "com.demo.modern.Beacon");
  CHECK(c.super_name == "java.lang.Record");
  // Strings after the MethodHandle / MethodType / InvokeDynamic entries: the walk sized them right.
  CHECK(set_of(c.strings) == Set{"/beacon/v2", "com.demo.modern", "https://\x01:\x01\x01", "beacon \x01", "host;port"});
  CHECK(contains(c.method_refs, "java.lang.invoke.StringConcatFactory.makeConcatWithConstants"));
  CHECK(contains(c.method_refs, "java.lang.invoke.LambdaMetafactory.metafactory"));
  CHECK(contains(c.method_refs, "java.lang.runtime.ObjectMethods.bootstrap"));
  CHECK(contains(c.method_refs, "java.util.logging.Logger.getLogger"));
  CHECK(contains(c.referenced_classes, "java.lang.invoke.MethodHandles$Lookup"));
}

TEST_CASE("module-info: Module and Package entries, no superclass") {
  const auto c = parse_clean("java17/module-info.class");
  CHECK(c.name == "module-info");
  CHECK(c.super_name.empty());
  CHECK(c.access_flags == 0x8000);  // ACC_MODULE
  CHECK(c.referenced_classes == List{"module-info"});
  CHECK(c.strings.empty());
  CHECK(c.method_refs.empty());
}

TEST_CASE("every fixture agrees with javap -v (skipped without javap)") {
  if (!test::javap_available()) {
    MESSAGE("javap not installed: skipped");
    return;
  }
  std::vector<std::string> files;
  for (const auto& f : test::java8_fixtures()) files.push_back("java8/" + f);
  files.push_back("java17/com/demo/modern/Beacon.class");
  files.push_back("java17/module-info.class");
  std::vector<std::string> paths;
  for (const auto& rel : files) paths.push_back(test::testdata("java/classes/" + rel).string());
  const auto pools = test::javap_pools(paths);
  for (std::size_t i = 0; i < files.size(); ++i) {
    CAPTURE(files[i]);
    const auto c = parse_clean(files[i]);
    const auto ref = pools.find(paths[i]);
    REQUIRE(ref != pools.end());
    Set ours;
    for (const auto& s : c.strings)
      if (auto cmp = test::javap_comparable(s)) ours.insert(*cmp);
    CHECK(ours == ref->second.strings);
    CHECK(set_of(c.referenced_classes) == ref->second.classes);
    CHECK(set_of(c.method_refs) == ref->second.method_refs);
    CHECK_FALSE(ref->second.classes.empty());
  }
}

TEST_CASE("built pools: strings and method refs keep pool order and drop repeats") {
  ClassBuilder b;
  const auto self = b.class_named("x/Self");
  b.string("zeta");
  b.string("alpha");
  const auto shared = b.utf8("zeta");  // a second Utf8 with the same text
  b.string_ref(shared);
  b.string_ref(shared);  // two String entries on one Utf8
  b.string("mid");
  b.method("x/Owner", "run", "()V");
  b.method("x/Owner", "run", "(I)V");  // an overload: the same "owner.method"
  b.method("x/Owner", "init", "()V", 11);  // InterfaceMethodref
  b.method("x/Other", "run");
  const auto p = test::parse(b.build(self, 0));
  REQUIRE(p.r.ok);
  CHECK(p.diags.empty());
  CHECK(p.r.cls.strings == List{"zeta", "alpha", "mid"});
  CHECK(p.r.cls.method_refs == List{"x.Owner.run", "x.Owner.init", "x.Other.run"});
  CHECK(p.r.cls.referenced_classes == List{"x.Other", "x.Owner", "x.Self"});
  CHECK(p.r.cls.super_name.empty());
}

TEST_CASE("built pools: array and odd class names") {
  ClassBuilder b;
  const auto self = b.class_named("a/b/C$D$1");
  b.class_named("[[La/b/Elem;");
  b.class_named("[J");
  b.class_named("[[[Z");
  b.class_named("[L;");     // no element name
  b.class_named("[Lnoend");  // no ';'
  b.class_named("[");
  b.class_named("");
  b.class_named("caf\xC3\xA9/Na\xC3\xAFve");  // non-ASCII, written as MUTF-8 (same as UTF-8 here)
  b.class_named("x/\xED\xA0\xBD\xED\xB8\x80");  // a supplementary character as a surrogate pair
  b.method("[Ljava/lang/Object;", "clone", "()Ljava/lang/Object;");
  const auto p = test::parse(b.build(self, 0));
  REQUIRE(p.r.ok);
  CHECK(p.diags.empty());
  CHECK(p.r.cls.name == "a.b.C$D$1");
  CHECK(p.r.cls.referenced_classes ==
        List{"a.b.C$D$1", "a.b.Elem", "caf\xC3\xA9.Na\xC3\xAFve", "java.lang.Object", "x.\xF0\x9F\x98\x80"});
  CHECK(p.r.cls.method_refs == List{"[Ljava/lang/Object;.clone"});
}

TEST_CASE("class_name_to_java") {
  CHECK(java::class_name_to_java("com/a/B$C") == "com.a.B$C");
  CHECK(java::class_name_to_java("Top") == "Top");
  CHECK(java::class_name_to_java("[Lcom/a/B;") == "com.a.B");
  CHECK(java::class_name_to_java("[[[Lcom/a/B;") == "com.a.B");
  CHECK(java::class_name_to_java("[I") == "");
  CHECK(java::class_name_to_java("[[D") == "");
  CHECK(java::class_name_to_java("[L;") == "");
  CHECK(java::class_name_to_java("[Lx") == "");
  CHECK(java::class_name_to_java("[") == "");
  CHECK(java::class_name_to_java("") == "");
}

TEST_CASE("version range: 45 is read, older is refused, newer is read with a warning") {
  ClassBuilder b;
  const auto self = b.class_named("v/V");
  const auto obj = b.class_named("java/lang/Object");
  for (std::uint16_t major : {45, 50, 52, 61, 65, 69}) {
    auto p = test::parse(b.build(self, obj, {}, major));
    CHECK_MESSAGE(p.r.ok, major);
    CHECK(p.diags.empty());
    CHECK(p.r.cls.major_version == major);
  }
  for (std::uint16_t major : {70, 0xFFFF}) {
    auto p = test::parse(b.build(self, obj, {}, major));
    CHECK_MESSAGE(p.r.ok, major);
    CHECK(p.r.cls.name == "v.V");
    REQUIRE(p.diags.size() == 1);
    CHECK(p.diags.items()[0].code == "class.bad_magic");
    CHECK(p.diags.items()[0].severity == Severity::warning);
  }
  for (std::uint16_t major : {0, 1, 44}) {
    auto p = test::parse(b.build(self, obj, {}, major));
    CHECK_FALSE_MESSAGE(p.r.ok, major);
    CHECK(p.diags.has("class.bad_magic"));
    CHECK(p.r.cls.referenced_classes.empty());
  }
}
