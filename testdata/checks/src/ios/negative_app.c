// negative_app.c: the main executable of ios/negative.ipa. It does the harmless neighbours of what
// positive_app.c does, so the iOS and Mach-O checks must stay silent: AES-CBC and AES-CTR through
// CommonCrypto, SHA-256, AES-GCM through OpenSSL, UIDevice for the system version only, a web
// view that loads a request without a script handler, keyed subscripts on a dictionary (not a
// JSContext), ptrace and the raw ptrace syscall only with PT_TRACE_ME, sysctl for the CPU count
// (no getpid), dlopen of a system library. The required-reason APIs it uses (NSUserDefaults,
// stat, mach_absolute_time, statfs) are declared in the app's PrivacyInfo.xcprivacy, and none of
// them is a device-signal indicator. See positive_app.c for how the file is built.
#include "objc_c.h"

typedef __SIZE_TYPE__ size_t;
typedef unsigned int CC_LONG;
typedef int CCCryptorStatus;
typedef unsigned int CCOperation, CCAlgorithm, CCOptions, CCMode, CCPadding, CCModeOptions;
typedef struct _CCCryptor* CCCryptorRef;

enum { kCCEncrypt = 0 };
enum { kCCAlgorithmAES = 0 };
enum { kCCOptionPKCS7Padding = 1 };
enum { kCCModeCTR = 4 };
enum { ccNoPadding = 0 };
enum { kCCModeOptionCTR_BE = 2 };
CCCryptorStatus CCCrypt(CCOperation op, CCAlgorithm alg, CCOptions options, const void* key, size_t keyLength,
                        const void* iv, const void* dataIn, size_t dataInLength, void* dataOut,
                        size_t dataOutAvailable, size_t* dataOutMoved);
CCCryptorStatus CCCryptorCreateWithMode(CCOperation op, CCMode mode, CCAlgorithm alg, CCPadding padding,
                                        const void* iv, const void* key, size_t keyLength, const void* tweak,
                                        size_t tweakLength, int numRounds, CCModeOptions options,
                                        CCCryptorRef* cryptorRef);
unsigned char* CC_SHA256(const void* data, CC_LONG len, unsigned char* md);

typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
const EVP_CIPHER* EVP_aes_256_gcm(void);
int EVP_EncryptInit_ex(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, void* engine, const unsigned char* key,
                       const unsigned char* iv);

void AppsFlyerLibStart(const char* dev_key);

struct stat;
struct statfs;
int ptrace(int request, int pid, void* addr, int data);
int sysctl(int* name, unsigned namelen, void* oldp, size_t* oldlenp, void* newp, size_t newlen);
void* dlopen(const char* path, int mode);
void* dlsym(void* handle, const char* symbol);
int stat(const char* path, struct stat* buf);
int statfs(const char* path, struct statfs* buf);
unsigned long long mach_absolute_time(void);

enum { PT_TRACE_ME = 0, SYS_ptrace = 26, CTL_HW = 6, HW_NCPU = 3, RTLD_LAZY = 1 };

OBJC_CLASS(cls_UIDevice, UIDevice);
OBJC_CLASS(cls_NSUserDefaults, NSUserDefaults);
OBJC_CLASS(cls_NSMutableDictionary, NSMutableDictionary);
OBJC_CLASS(cls_NSString, NSString);
OBJC_CLASS(cls_NSURL, NSURL);
OBJC_CLASS(cls_NSURLRequest, NSURLRequest);
OBJC_CLASS(cls_WKWebView, WKWebView);

OBJC_SELECTOR(sel_currentDevice, "currentDevice");
OBJC_SELECTOR(sel_systemVersion, "systemVersion");
OBJC_SELECTOR(sel_standardUserDefaults, "standardUserDefaults");
OBJC_SELECTOR(sel_boolForKey, "boolForKey:");
OBJC_SELECTOR(sel_new, "new");
OBJC_SELECTOR(sel_setObjectForKeyedSubscript, "setObject:forKeyedSubscript:");
OBJC_SELECTOR(sel_stringWithUTF8String, "stringWithUTF8String:");
OBJC_SELECTOR(sel_URLWithString, "URLWithString:");
OBJC_SELECTOR(sel_requestWithURL, "requestWithURL:");
OBJC_SELECTOR(sel_loadRequest, "loadRequest:");

static id str(const char* s) { return SEND1(cls_NSString, sel_stringWithUTF8String, s); }

// --- CommonCrypto: AES-CBC, AES-CTR, SHA-256 ----------------------------------------------------
static const unsigned char kIv[16] = "fedcba987654321";

int seal_cbc(const unsigned char* key, const void* in, size_t len, void* out, size_t cap, size_t* moved) {
  return CCCrypt(kCCEncrypt, kCCAlgorithmAES, kCCOptionPKCS7Padding, key, 32, kIv, in, len, out, cap, moved);
}

int seal_ctr(const unsigned char* key, CCCryptorRef* ref) {
  return CCCryptorCreateWithMode(kCCEncrypt, kCCModeCTR, kCCAlgorithmAES, ccNoPadding, kIv, key, 32, 0, 0, 0,
                                 kCCModeOptionCTR_BE, ref);
}

void digest(const void* data, CC_LONG len, unsigned char* md) { CC_SHA256(data, len, md); }

// --- OpenSSL: AES-256-GCM -----------------------------------------------------------------------
int seal_gcm(EVP_CIPHER_CTX* ctx, const unsigned char* key, const unsigned char* nonce) {
  return EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), 0, key, nonce);
}

// --- UIKit / Foundation / WebKit ----------------------------------------------------------------
id os_version(void) { return SEND0(SEND0(cls_UIDevice, sel_currentDevice), sel_systemVersion); }
id onboarding_done(void) { return SEND1(SEND0(cls_NSUserDefaults, sel_standardUserDefaults), sel_boolForKey, str("onboarded")); }

id settings(id value) {
  id dict = SEND0(cls_NSMutableDictionary, sel_new);
  SEND2(dict, sel_setObjectForKeyedSubscript, value, str("theme"));
  return dict;
}

void show_help(void) {
  id request = SEND1(cls_NSURLRequest, sel_requestWithURL, SEND1(cls_NSURL, sel_URLWithString, str("https://help.sdkscope.net/ios")));
  SEND1(SEND0(cls_WKWebView, sel_new), sel_loadRequest, request);
}

// --- required-reason APIs, declared in PrivacyInfo.xcprivacy ------------------------------------
int cache_age(const char* path, struct stat* st) { return stat(path, st); }
int cache_volume(const char* path, struct statfs* st) { return statfs(path, st); }
unsigned long long elapsed(void) { return mach_absolute_time(); }

// --- ptrace and sysctl with other requests ------------------------------------------------------
int trace_me(void) { return ptrace(PT_TRACE_ME, 0, 0, 0); }

long trace_me_raw(void) {
  register long x0 __asm__("x0") = PT_TRACE_ME;
  register long x1 __asm__("x1") = 0;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x16 __asm__("x16") = SYS_ptrace;
  __asm__ volatile("svc #0x80" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x16) : "memory", "cc");
  return x0;
}

int cpu_count(int* n, size_t* size) {
  int mib[2] = {CTL_HW, HW_NCPU};
  return sysctl(mib, 2, n, size, 0, 0);
}

// --- a system library -------------------------------------------------------------------------
void* open_sqlite(void) {
  void* h = dlopen("/usr/lib/libsqlite3.dylib", RTLD_LAZY);
  return h ? dlsym(h, "sqlite3_open_v2") : 0;
}

// --- public values ------------------------------------------------------------------------------
static const char* const kPublic[] = {
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFixtureOnlyPublicKeyAAAAAAAAAAAAAA\n-----END PUBLIC KEY-----\n",
    "pk_live_FixtureOnly0000000000000000",
    "https://sdkscope-checks-ios.web.app",
};

const char* public_value(unsigned i) { return i < sizeof kPublic / sizeof *kPublic ? kPublic[i] : 0; }

int main(void) {
  AppsFlyerLibStart("fixtureDevKey");
  return 0;
}
