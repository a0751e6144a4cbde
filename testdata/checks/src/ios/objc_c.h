// objc_c.h: Objective-C message sends written in C, for fixtures built without an iOS SDK.
// What clang emits for [UIDevice currentDevice] is, in the image: the selector name in
// __TEXT,__objc_methname, a pointer to it in __DATA,__objc_selrefs, a pointer to the class in
// __DATA,__objc_classrefs (bound to the imported symbol _OBJC_CLASS_$_UIDevice), and a call to
// objc_msgSend with the class in x0 and the loaded selref in x1. These macros lay out the same.
//
// One difference, forced by the toolchain: clang marks __objc_methname S_CSTRING_LITERALS, and
// lld-14 (unlike ld64 and newer lld) merges every C-string literal section into __cstring, which
// would leave the linked image without an __objc_methname section. So the section is declared
// here without a type (S_REGULAR): it keeps its name and its NUL-separated names, which is all a
// reader of selector names looks at.
#pragma once

typedef struct objc_object* id;
typedef struct objc_selector* SEL;
typedef struct objc_class* Class;
typedef signed char BOOL;

id objc_msgSend(id self, SEL op, ...);

#define OBJC_SELECTOR(var, name)                                                                    \
  __attribute__((section("__TEXT,__objc_methname"))) static const char var##_name[] = name;       \
  __attribute__((section("__DATA,__objc_selrefs,literal_pointers,no_dead_strip"), used)) static SEL \
      var = (SEL)var##_name

#define OBJC_CLASS(var, cls)                                                                          \
  extern struct objc_class var##_class __asm__("_OBJC_CLASS_$_" #cls);                              \
  __attribute__((section("__DATA,__objc_classrefs,regular,no_dead_strip"), used)) static Class var = \
      &var##_class

// Sends with 0..2 object arguments (arm64 passes them in x2, x3 like any C call).
#define SEND0(recv, sel) objc_msgSend((id)(recv), (sel))
#define SEND1(recv, sel, a) ((id(*)(id, SEL, id))objc_msgSend)((id)(recv), (sel), (id)(a))
#define SEND2(recv, sel, a, b) ((id(*)(id, SEL, id, id))objc_msgSend)((id)(recv), (sel), (id)(a), (id)(b))
