// antidebug_ptrace.c: only ptrace(PT_DENY_ATTACH = 31, 0, 0, 0) through the libSystem stub, so
// the macho.call "_ptrace" indicator of ios.anti.debugger_detection fires on its own.
int ptrace(int request, int pid, void* addr, int data);

enum { PT_DENY_ATTACH = 31 };

int deny_attach(void) { return ptrace(PT_DENY_ATTACH, 0, 0, 0); }
