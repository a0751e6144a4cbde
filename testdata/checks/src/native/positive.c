// positive.c: an Android arm64 library that does everything the native checks look for.
// Built by scripts/gen-check-fixtures-native-ios.sh with clang --target=aarch64-linux-android21
// -nostdlib: no NDK here, so the libc / libcrypto / liblog functions are declared by hand and stay
// undefined, i.e. imported through the PLT, as they are in a library linked against the real ones.
// Must fire: native.crypto.weak_cipher, native.crypto.ecb_mode, native.dynamic.dlopen_writable,
// android.anti.debugger_detection (ptrace(PTRACE_TRACEME), raw svc #0 with x8 = 117 and x0 = 0,
// "TracerPid:"), android.fingerprint.hardware_ids (ro.serialno + __system_property_get),
// android.fingerprint.mac_address, android.anti.root_detection, android.anti.emulator_detection,
// android.anti.instrumentation_detection, and the secrets.* checks.
typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;

// libc (bionic)
int open(const char* path, int flags, ...);
ssize_t read(int fd, void* buf, size_t n);
int close(int fd);
int access(const char* path, int mode);
char* strstr(const char* haystack, const char* needle);
int __system_property_get(const char* name, char* value);
long ptrace(int request, int pid, void* addr, void* data);
void* dlopen(const char* path, int flags);
void* dlsym(void* handle, const char* symbol);

// OpenSSL / BoringSSL (libcrypto.so)
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct { unsigned char bytes[8]; } DES_cblock;
typedef struct { DES_cblock ks[16]; } DES_key_schedule;
typedef struct { unsigned int rd_key[60]; int rounds; } AES_KEY;
typedef struct { unsigned int x, y, data[256]; } RC4_KEY;
const EVP_CIPHER* EVP_des_ede3_cbc(void);
const EVP_CIPHER* EVP_aes_128_ecb(void);
const EVP_CIPHER* EVP_rc4(void);
int EVP_EncryptInit_ex(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, void* engine, const unsigned char* key,
                       const unsigned char* iv);
int DES_set_key_unchecked(const DES_cblock* key, DES_key_schedule* schedule);
void DES_ecb_encrypt(const DES_cblock* in, DES_cblock* out, const DES_key_schedule* ks, int enc);
void AES_ecb_encrypt(const unsigned char* in, unsigned char* out, const AES_KEY* key, int enc);
void RC4_set_key(RC4_KEY* key, int len, const unsigned char* data);
void RC4(RC4_KEY* key, size_t len, const unsigned char* in, unsigned char* out);

enum { O_RDONLY = 0, F_OK = 0, RTLD_NOW = 2, PTRACE_TRACEME = 0, NR_ptrace = 117 };

// --- weak ciphers and ECB -------------------------------------------------------------------
int legacy_3des_init(EVP_CIPHER_CTX* ctx, const unsigned char* key, const unsigned char* iv) {
  return EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), 0, key, iv);
}

int legacy_aes_ecb_init(EVP_CIPHER_CTX* ctx, const unsigned char* key) {
  return EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), 0, key, 0);
}

void legacy_des_block(const DES_cblock* key, const DES_cblock* in, DES_cblock* out) {
  DES_key_schedule ks;
  DES_set_key_unchecked(key, &ks);
  DES_ecb_encrypt(in, out, &ks, 1);
}

void legacy_aes_block(const AES_KEY* key, const unsigned char* in, unsigned char* out) {
  AES_ecb_encrypt(in, out, key, 1);
}

void legacy_rc4(const unsigned char* key, int key_len, const unsigned char* in, unsigned char* out, size_t n) {
  RC4_KEY k;
  RC4_set_key(&k, key_len, key);
  RC4(&k, n, in, out);
}

const EVP_CIPHER* legacy_stream_cipher(void) { return EVP_rc4(); }

// --- code loaded from app storage -----------------------------------------------------------
void* load_hot_patch(void) {
  void* h = dlopen("/data/data/net.sdkscope.checks/files/hotfix/libpatch.so", RTLD_NOW);
  if (!h) h = dlopen("/data/user/0/net.sdkscope.checks/app_plugins/libplugin.so", RTLD_NOW);
  return h ? dlsym(h, "patch_main") : 0;
}

// --- anti-debugging -------------------------------------------------------------------------
long deny_tracer(void) { return ptrace(PTRACE_TRACEME, 0, 0, 0); }

// The same without libc: x8 = __NR_ptrace (117), x0 = PTRACE_TRACEME.
long deny_tracer_raw(void) {
  register long x0 __asm__("x0") = PTRACE_TRACEME;
  register long x1 __asm__("x1") = 0;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x8 __asm__("x8") = NR_ptrace;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x8) : "memory", "cc");
  return x0;
}

static int file_contains(const char* path, const char* needle) {
  char buf[4096];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  return strstr(buf, needle) != 0;
}

int being_traced(void) { return file_contains("/proc/self/status", "TracerPid:\t0") ? 0 : 1; }
int tracer_line_present(void) { return file_contains("/proc/self/status", "TracerPid:"); }

// --- device identifiers ---------------------------------------------------------------------
int read_serial(char* out) { return __system_property_get("ro.serialno", out); }

int read_wifi_mac(char* out, size_t cap) {
  int fd = open("/sys/class/net/wlan0/address", O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, out, cap);
  close(fd);
  return (int)n;
}

// --- root, emulator and instrumentation probes ---------------------------------------------
int device_rooted(void) {
  return access("/system/xbin/su", F_OK) == 0 || access("/system/bin/su", F_OK) == 0 || access("/sbin/su", F_OK) == 0;
}

int on_emulator(void) {
  char value[92];
  if (__system_property_get("ro.kernel.qemu", value) > 0 && value[0] == '1') return 1;
  return access("/dev/qemu_pipe", F_OK) == 0 || access("/dev/socket/qemud", F_OK) == 0;
}

int instrumented(void) {
  return file_contains("/proc/self/maps", "frida-agent") || file_contains("/proc/self/maps", "frida-gadget") ||
         file_contains("/proc/self/task/1/comm", "gum-js-loop") || access("/data/local/tmp/frida-server", F_OK) == 0 ||
         file_contains("/proc/self/maps", "linjector");
}

// --- embedded credentials (fake values in the documented formats) ---------------------------
static const char kClientKey[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
    "-----END RSA PRIVATE KEY-----\n";
static const char kAwsAccessKey[] = "AKIAIOSFODNN7EXAMPLE";
static const char kMapsKey[] = "AIzaSyDfakeFixtureKey0123456789abcdEFgh";
static const char kDatabase[] = "https://sdkscope-checks-default-rtdb.firebaseio.com";

const char* config_value(int which) {
  switch (which) {
    case 0: return kClientKey;
    case 1: return kAwsAccessKey;
    case 2: return kMapsKey;
    default: return kDatabase;
  }
}
