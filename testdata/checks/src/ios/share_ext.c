// share_ext.c: the executable of negative.ipa's Fixture.app/PlugIns/Share.appex, a share
// extension. It loads a resource bundle from Library/Caches with NSBundle, never with dlopen:
// the path matches the Mach-O pattern of native.dynamic.dlopen_writable, but this binary does not
// import _dlopen, so the check's "with" rule (same binary) keeps it silent.
#include "objc_c.h"

typedef __SIZE_TYPE__ size_t;
int snprintf(char* out, size_t cap, const char* fmt, ...);

OBJC_CLASS(cls_NSBundle, NSBundle);
OBJC_CLASS(cls_NSString, NSString);
OBJC_SELECTOR(sel_stringWithUTF8String, "stringWithUTF8String:");
OBJC_SELECTOR(sel_bundleWithPath, "bundleWithPath:");

id theme_bundle(const char* home) {
  char path[1024];
  snprintf(path, sizeof path, "%s/Library/Caches/Themes/Dark.bundle", home);
  return SEND1(cls_NSBundle, sel_bundleWithPath, SEND1(cls_NSString, sel_stringWithUTF8String, path));
}

int main(void) { return theme_bundle("") != 0; }
