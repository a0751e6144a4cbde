// libdemo.so: a tiny JNI-style host library for sdkscope's ELF tests. It exports JNI entry
// points, imports from libc and libm, and keeps URL constants in .rodata.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kCollectUrl[] = "https://sdk.example-native.com/collect";
static const char kDebugUrl[] = "http://10.0.0.1:8080/x";
static const char kUserAgent[] = "DemoNativeSdk/1.2.3 (fixture)";

static char g_buffer[256];

/* Java_com_example_Native_stringFromJNI(JNIEnv*, jobject): returns a C string here; the real
   signature returns a jstring, which does not matter to a static reader. */
const char* Java_com_example_Native_stringFromJNI(void* env, void* thiz) {
  (void)env;
  (void)thiz;
  const char* override_url = getenv("DEMO_ENDPOINT");
  snprintf(g_buffer, sizeof g_buffer, "%s?ua=%s", override_url ? override_url : kCollectUrl, kUserAgent);
  return g_buffer;
}

int JNI_OnLoad(void* vm, void* reserved) {
  (void)vm;
  (void)reserved;
  return (int)strlen(kDebugUrl) > 0 ? 0x00010006 : -1; /* JNI_VERSION_1_6 */
}

double demo_scale(double x) { return cbrt(x) * 2.0; }

__attribute__((weak)) int demo_weak_hook(int v) { return v + 1; }

__attribute__((visibility("hidden"))) int demo_hidden_helper(int v) { return v * 3; }

int demo_counter = 7;
