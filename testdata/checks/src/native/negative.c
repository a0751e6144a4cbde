// negative.c: an Android arm64 library that does the harmless neighbours of what positive.c does,
// so every native check must stay silent on it: AES-GCM through OpenSSL, dlopen of a system
// library, ptrace only with PTRACE_ATTACH (a crash handler attaching to a crashed thread, also
// through a raw syscall), a system property that is not an identifier, a sysfs file that is not
// a MAC address, /proc/self/status read for memory use, and key material that is public.
typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;

int open(const char* path, int flags, ...);
ssize_t read(int fd, void* buf, size_t n);
int close(int fd);
int access(const char* path, int mode);
char* strstr(const char* haystack, const char* needle);
int __system_property_get(const char* name, char* value);
long ptrace(int request, int pid, void* addr, void* data);
void* dlopen(const char* path, int flags);
void* dlsym(void* handle, const char* symbol);

typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
const EVP_CIPHER* EVP_aes_256_gcm(void);
const EVP_CIPHER* EVP_chacha20_poly1305(void);
int EVP_EncryptInit_ex(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, void* engine, const unsigned char* key,
                       const unsigned char* iv);
int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX* ctx, int type, int arg, void* ptr);

enum { O_RDONLY = 0, F_OK = 0, RTLD_NOW = 2, PTRACE_ATTACH = 16, NR_ptrace = 117, EVP_CTRL_GCM_SET_IVLEN = 0x9 };

// AES-256-GCM with a 12-byte nonce.
int seal_init(EVP_CIPHER_CTX* ctx, const unsigned char* key, const unsigned char* nonce) {
  if (!EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), 0, 0, 0)) return 0;
  if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, 0)) return 0;
  return EVP_EncryptInit_ex(ctx, 0, 0, key, nonce);
}

const EVP_CIPHER* seal_fallback(void) { return EVP_chacha20_poly1305(); }

// A system library, not app storage.
void* load_window_api(void) {
  void* h = dlopen("/system/lib64/libandroid.so", RTLD_NOW);
  return h ? dlsym(h, "ANativeWindow_fromSurface") : 0;
}

// Crash handler: attach to the crashed thread (PTRACE_ATTACH), through libc and raw.
long attach_thread(int tid) { return ptrace(PTRACE_ATTACH, tid, 0, 0); }

long attach_thread_raw(long tid) {
  register long x0 __asm__("x0") = PTRACE_ATTACH;
  register long x1 __asm__("x1") = tid;
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

int memory_reported(void) { return file_contains("/proc/self/status", "VmRSS:"); }

int sdk_level(char* out) { return __system_property_get("ro.build.version.sdk", out); }

int wifi_up(void) { return file_contains("/sys/class/net/wlan0/operstate", "up"); }

int has_shell(void) { return access("/system/bin/sh", F_OK) == 0; }

// Public material and a non-database Firebase host.
static const char kServerPublicKey[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n"
    "-----END PUBLIC KEY-----\n";
static const char kStorageHost[] = "https://firebasestorage.googleapis.com/v0/b/sdkscope-checks.appspot.com";
static const char kAwsDocs[] = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html";

const char* config_value(int which) {
  switch (which) {
    case 0: return kServerPublicKey;
    case 1: return kStorageHost;
    default: return kAwsDocs;
  }
}
