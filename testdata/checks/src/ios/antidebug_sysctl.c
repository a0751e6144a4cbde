// antidebug_sysctl.c: Apple's AmIBeingDebugged (Technical Q&A QA1361): sysctl
// {CTL_KERN, KERN_PROC, KERN_PROC_PID, getpid()} and a test of P_TRACED in kp_proc.p_flag. The
// macho.call "_sysctl" indicator (with _getpid in the same binary) of ios.anti.debugger_detection
// fires on its own.
typedef __SIZE_TYPE__ size_t;
int sysctl(int* name, unsigned namelen, void* oldp, size_t* oldlenp, void* newp, size_t newlen);
int getpid(void);

enum { CTL_KERN = 1, KERN_PROC = 14, KERN_PROC_PID = 1, P_TRACED = 0x800 };
// struct kinfo_proc is 648 bytes on arm64; kp_proc.p_flag is the int at offset 32.
enum { KINFO_PROC_SIZE = 648, P_FLAG_OFFSET = 32 };

int being_debugged(void) {
  int info[KINFO_PROC_SIZE / sizeof(int)] = {0};
  size_t size = sizeof info;
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, getpid()};
  if (sysctl(mib, 4, info, &size, 0, 0) != 0) return 0;
  return (info[P_FLAG_OFFSET / sizeof(int)] & P_TRACED) != 0;
}
