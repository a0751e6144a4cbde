// antidebug_ptrace.c: only ptrace(PTRACE_TRACEME, 0, 0, 0) through libc, so the native.call
// "ptrace" indicator of android.anti.debugger_detection fires on its own.
long ptrace(int request, int pid, void* addr, void* data);

enum { PTRACE_TRACEME = 0 };

long deny_tracer(void) { return ptrace(PTRACE_TRACEME, 0, 0, 0); }
