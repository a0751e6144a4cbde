// calls.c: call sites with constant arguments for the arm64 call-site scanner
// (scanner/native/arm64_calls.hpp, scanner/native/elf_calls.hpp), built for Android aarch64
// with -nostdlib: every callee stays undefined and is reached through the PLT. CommonCrypto
// does not exist on Android, but its calls make the same argument patterns as on iOS (values of
// Apple's CommonCryptor.h: kCCAlgorithmAES 0, 3DES 2; kCCOptionPKCS7Padding 1,
// kCCOptionECBMode 2; kCCModeECB 1), so the ELF and Mach-O fixtures can be checked alike.
typedef __SIZE_TYPE__ size_t;
typedef unsigned int CCOperation, CCAlgorithm, CCOptions, CCMode, CCPadding, CCModeOptions;
typedef struct _CCCryptor* CCCryptorRef;

enum { kCCEncrypt = 0 };
enum { kCCAlgorithmAES = 0, kCCAlgorithmDES = 1, kCCAlgorithm3DES = 2 };
enum { kCCOptionPKCS7Padding = 1, kCCOptionECBMode = 2 };
enum { kCCModeECB = 1 };
enum { ccNoPadding = 0 };

int CCCrypt(CCOperation op, CCAlgorithm alg, CCOptions options, const void* key, size_t keyLength, const void* iv,
            const void* dataIn, size_t dataInLength, void* dataOut, size_t dataOutAvailable, size_t* dataOutMoved);
int CCCryptorCreateWithMode(CCOperation op, CCMode mode, CCAlgorithm alg, CCPadding padding, const void* iv,
                            const void* key, size_t keyLength, const void* tweak, size_t tweakLength, int numRounds,
                            CCModeOptions options, CCCryptorRef* cryptorRef);
long ptrace(int request, int pid, void* addr, void* data);
void* dlopen(const char* path, int flags);
void* dlsym(void* handle, const char* symbol);

static const unsigned char kKey[24] = "0123456789abcdefghijklm";
static const unsigned char kIv[16] = "fedcba987654321";

// Positive: 3DES in ECB mode (with PKCS#7 padding): w1 = 2, w2 = 3.
int encrypt_3des_ecb(const void* in, size_t len, void* out, size_t cap, size_t* moved) {
  return CCCrypt(kCCEncrypt, kCCAlgorithm3DES, kCCOptionECBMode | kCCOptionPKCS7Padding, kKey, 24, 0, in, len, out,
                 cap, moved);
}

// Negative: AES in CBC mode: w1 = 0, w2 = 1.
int encrypt_aes_cbc(const void* in, size_t len, void* out, size_t cap, size_t* moved) {
  return CCCrypt(kCCEncrypt, kCCAlgorithmAES, kCCOptionPKCS7Padding, kKey, 16, kIv, in, len, out, cap, moved);
}

// Unknown: the algorithm arrives as a parameter, so w1 is not a constant at the call.
int encrypt_with(CCAlgorithm alg, const void* in, size_t len, void* out, size_t cap, size_t* moved) {
  return CCCrypt(kCCEncrypt, alg, 0, kKey, 16, kIv, in, len, out, cap, moved);
}

// ECB through the mode API: w1 = kCCModeECB (1), w2 = kCCAlgorithmAES (0).
int create_aes_ecb(CCCryptorRef* ref) {
  return CCCryptorCreateWithMode(kCCEncrypt, kCCModeECB, kCCAlgorithmAES, ccNoPadding, 0, kKey, 16, 0, 0, 0, 0, ref);
}

// Anti-debugging through libc: ptrace(PTRACE_TRACEME = 0, 0, 0, 0), and Darwin's PT_DENY_ATTACH
// number (31) as well, for the same checks as the Mach-O fixture.
long trace_me(void) { return ptrace(0, 0, 0, 0) + ptrace(31, 0, 0, 0); }

// Anti-debugging without libc: the raw Linux syscall, x8 = __NR_ptrace (117), x0 = 0.
long trace_me_raw(void) {
  register long x0 __asm__("x0") = 0;
  register long x1 __asm__("x1") = 0;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x8 __asm__("x8") = 117;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x8) : "memory", "cc");
  return x0;
}

// Dynamic loading: dlopen(path, RTLD_NOW = 2), then dlsym.
void* load_plugin(const char* path) {
  void* handle = dlopen(path, 2);
  return handle ? dlsym(handle, "plugin_init") : 0;
}
