// antidebug_svc.c: only the raw Linux syscall (svc #0, x8 = __NR_ptrace 117, x0 = PTRACE_TRACEME),
// no imports and no strings, so the native.call "svc:117" indicator of
// android.anti.debugger_detection fires on its own.
enum { PTRACE_TRACEME = 0, NR_ptrace = 117 };

long deny_tracer_raw(void) {
  register long x0 __asm__("x0") = PTRACE_TRACEME;
  register long x1 __asm__("x1") = 0;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x8 __asm__("x8") = NR_ptrace;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x8) : "memory", "cc");
  return x0;
}
