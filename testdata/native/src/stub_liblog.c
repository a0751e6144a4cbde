// Link-time stand-in for Android's liblog.so (see stub_libc.c).
int __android_log_print(int prio, const char* tag, const char* fmt, ...) {
  (void)tag;
  (void)fmt;
  return prio;
}
