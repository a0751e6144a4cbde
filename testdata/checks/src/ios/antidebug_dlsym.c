// antidebug_dlsym.c: ptrace looked up at run time, dlsym(RTLD_DEFAULT, "ptrace"), so no _ptrace
// import: the macho.string "ptrace" indicator (with _dlsym in the same binary) of
// ios.anti.debugger_detection fires on its own.
void* dlsym(void* handle, const char* symbol);

#define RTLD_DEFAULT ((void*)-2)
enum { PT_DENY_ATTACH = 31 };

int deny_attach_hidden(void) {
  int (*fn)(int, int, void*, int) = (int (*)(int, int, void*, int))dlsym(RTLD_DEFAULT, "ptrace");
  return fn ? fn(PT_DENY_ATTACH, 0, 0, 0) : -1;
}
