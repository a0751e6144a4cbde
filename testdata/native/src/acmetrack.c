// libacmetrack.so: a freestanding "vendor SDK" library for Android targets (aarch64, armv7a).
// Built with -nostdlib against stub liblog/libc, so no NDK is needed; prototypes are declared here.
typedef __SIZE_TYPE__ size_t;

size_t strlen(const char* s);
void* memcpy(void* dst, const void* src, size_t n);
int __android_log_print(int prio, const char* tag, const char* fmt, ...);

static const char kTag[] = "AcmeTrack";
static const char kReportUrl[] = "https://collect.acmetrack-fixture.net/v2/report";
static const char kConfigUrl[] = "https://config.acmetrack-fixture.net/sdk/config.json";
static const char kVersion[] = "AcmeTrackNative 4.5.6";

static char g_last[128];

int Java_net_acmetrack_sdk_NativeBridge_init(void* env, void* clazz, int flags) {
  (void)env;
  (void)clazz;
  __android_log_print(4, kTag, "init %s flags=%d", kVersion, flags);
  return (int)strlen(kReportUrl);
}

const char* acmetrack_config_url(void) {
  size_t n = strlen(kConfigUrl);
  if (n >= sizeof g_last) n = sizeof g_last - 1;
  memcpy(g_last, kConfigUrl, n);
  g_last[n] = 0;
  return g_last;
}

int JNI_OnLoad(void* vm, void* reserved) {
  (void)vm;
  (void)reserved;
  return 0x00010006;
}
