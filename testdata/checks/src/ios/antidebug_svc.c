// antidebug_svc.c: only the raw Darwin syscall: svc #0x80 with x16 = SYS_ptrace (26) and
// x0 = PT_DENY_ATTACH (31); no imports and no strings, so the macho.call "svc:26" indicator of
// ios.anti.debugger_detection fires on its own.
enum { PT_DENY_ATTACH = 31, SYS_ptrace = 26 };

long deny_attach_raw(void) {
  register long x0 __asm__("x0") = PT_DENY_ATTACH;
  register long x1 __asm__("x1") = 0;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x16 __asm__("x16") = SYS_ptrace;
  __asm__ volatile("svc #0x80" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x16) : "memory", "cc");
  return x0;
}
