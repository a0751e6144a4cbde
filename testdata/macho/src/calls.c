// calls.c: call sites with constant arguments for the arm64 call-site scanner
// (scanner/native/arm64_calls.hpp, scanner/apple/macho_calls.hpp). Plain C, no SDK headers:
// the CommonCrypto prototypes and constants are declared here with the values of Apple's
// CommonCrypto/CommonCryptor.h (kCCAlgorithmAES 0, DES 1, 3DES 2, CAST 3, RC4 4, RC2 5,
// Blowfish 6; kCCOptionPKCS7Padding 1, kCCOptionECBMode 2; kCCModeECB 1, kCCModeCBC 2).
// Every call's result feeds the next, so that -O2 keeps each call and its own argument setup.
typedef __SIZE_TYPE__ size_t;
typedef int CCCryptorStatus;
typedef unsigned int CCOperation, CCAlgorithm, CCOptions, CCMode, CCPadding, CCModeOptions;
typedef struct _CCCryptor* CCCryptorRef;

enum { kCCEncrypt = 0, kCCDecrypt = 1 };
enum { kCCAlgorithmAES = 0, kCCAlgorithmDES = 1, kCCAlgorithm3DES = 2, kCCAlgorithmRC4 = 4 };
enum { kCCOptionPKCS7Padding = 1, kCCOptionECBMode = 2 };
enum { kCCModeECB = 1, kCCModeCBC = 2 };
enum { ccNoPadding = 0, ccPKCS7Padding = 1 };

CCCryptorStatus CCCrypt(CCOperation op, CCAlgorithm alg, CCOptions options, const void* key, size_t keyLength,
                        const void* iv, const void* dataIn, size_t dataInLength, void* dataOut,
                        size_t dataOutAvailable, size_t* dataOutMoved);
CCCryptorStatus CCCryptorCreate(CCOperation op, CCAlgorithm alg, CCOptions options, const void* key,
                                size_t keyLength, const void* iv, CCCryptorRef* cryptorRef);
CCCryptorStatus CCCryptorCreateWithMode(CCOperation op, CCMode mode, CCAlgorithm alg, CCPadding padding,
                                        const void* iv, const void* key, size_t keyLength, const void* tweak,
                                        size_t tweakLength, int numRounds, CCModeOptions options,
                                        CCCryptorRef* cryptorRef);
int ptrace(int request, int pid, void* addr, int data);
void* dlopen(const char* path, int mode);
void* dlsym(void* handle, const char* symbol);
int sysctl(int* name, unsigned namelen, void* oldp, size_t* oldlenp, void* newp, size_t newlen);

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

// Unknown: the algorithm depends on a branch-free select (cset/csel), not a constant move.
int encrypt_des_or_aes(int strong, const void* in, size_t len, void* out, size_t cap, size_t* moved) {
  return CCCrypt(kCCEncrypt, strong ? kCCAlgorithmAES : kCCAlgorithmDES, 0, kKey, 16, kIv, in, len, out, cap, moved);
}

// ECB through the mode API: w1 = kCCModeECB (1), w2 = kCCAlgorithmAES (0).
int create_aes_ecb(CCCryptorRef* ref) {
  return CCCryptorCreateWithMode(kCCEncrypt, kCCModeECB, kCCAlgorithmAES, ccNoPadding, 0, kKey, 16, 0, 0, 0, 0, ref);
}

// RC4 and DES through CCCryptorCreate: w1 = 4, then w1 = 1 with w2 = kCCOptionECBMode.
int create_rc4_then_des(CCCryptorRef* ref) {
  int status = CCCryptorCreate(kCCEncrypt, kCCAlgorithmRC4, 0, kKey, 16, 0, ref);
  return status + CCCryptorCreate(kCCDecrypt, kCCAlgorithmDES, kCCOptionECBMode, kKey, 8, 0, ref);
}

// Anti-debugging through the libc stub: ptrace(PT_DENY_ATTACH = 31, 0, 0, 0).
int deny_attach(void) { return ptrace(31, 0, 0, 0); }

// Anti-debugging without the stub: the raw Darwin syscall, x16 = SYS_ptrace (26), x0 = 31.
// (The x86_64 simulator slice only has to compile: the scanner reads arm64 code.)
long deny_attach_raw(void) {
#if defined(__aarch64__)
  register long x0 __asm__("x0") = 31;
  register long x1 __asm__("x1") = 0;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x16 __asm__("x16") = 26;
  __asm__ volatile("svc #0x80" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x16) : "memory", "cc");
  return x0;
#else
  return -1;
#endif
}

// Debugger probe: sysctl({CTL_KERN 1, KERN_PROC 14, KERN_PROC_PID 1, pid}, 4, ...): w1 = 4.
int traced(int pid, void* info, size_t* size) {
  int mib[4] = {1, 14, 1, pid};
  return sysctl(mib, 4, info, size, 0, 0);
}

// Dynamic loading: dlopen(path, RTLD_NOW = 2), then dlsym.
void* load_plugin(const char* path) {
  void* handle = dlopen(path, 2);
  return handle ? dlsym(handle, "plugin_init") : 0;
}
