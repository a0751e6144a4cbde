// Link-time stand-in for Android's libc.so: only gives libacmetrack.so a DT_NEEDED and symbols
// to import. Never shipped, never loaded.
typedef __SIZE_TYPE__ size_t;

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

void* memcpy(void* dst, const void* src, size_t n) {
  char* d = dst;
  const char* s = src;
  while (n--) *d++ = *s++;
  return dst;
}
