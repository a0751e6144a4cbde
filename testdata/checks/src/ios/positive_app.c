// positive_app.c: the main executable of ios/positive.ipa (Payload/Fixture.app/Fixture). It does
// everything the iOS and Mach-O checks look for; Objective-C sends are spelled out in C with
// objc_c.h (no iOS SDK here), system functions are declared by hand with the values of Apple's
// headers. Built -O2 for arm64 and linked by ld64.lld against the .tbd stubs in stubs/ and the
// embedded OpenSSL and AppsFlyerLib frameworks (scripts/gen-check-fixtures-native-ios.sh).
#include "objc_c.h"

typedef __SIZE_TYPE__ size_t;
typedef unsigned int CC_LONG;
typedef int CCCryptorStatus;
typedef unsigned int CCOperation, CCAlgorithm, CCOptions, CCMode, CCPadding, CCModeOptions;
typedef struct _CCCryptor* CCCryptorRef;

// CommonCrypto/CommonCryptor.h, CommonDigest.h
enum { kCCEncrypt = 0 };
enum { kCCAlgorithmAES = 0, kCCAlgorithmDES = 1, kCCAlgorithm3DES = 2, kCCAlgorithmRC4 = 4 };
enum { kCCOptionPKCS7Padding = 1, kCCOptionECBMode = 2 };
enum { kCCModeECB = 1 };
enum { ccNoPadding = 0 };
CCCryptorStatus CCCrypt(CCOperation op, CCAlgorithm alg, CCOptions options, const void* key, size_t keyLength,
                        const void* iv, const void* dataIn, size_t dataInLength, void* dataOut,
                        size_t dataOutAvailable, size_t* dataOutMoved);
CCCryptorStatus CCCryptorCreate(CCOperation op, CCAlgorithm alg, CCOptions options, const void* key,
                                size_t keyLength, const void* iv, CCCryptorRef* cryptorRef);
CCCryptorStatus CCCryptorCreateWithMode(CCOperation op, CCMode mode, CCAlgorithm alg, CCPadding padding,
                                        const void* iv, const void* key, size_t keyLength, const void* tweak,
                                        size_t tweakLength, int numRounds, CCModeOptions options,
                                        CCCryptorRef* cryptorRef);
unsigned char* CC_MD5(const void* data, CC_LONG len, unsigned char* md);
unsigned char* CC_SHA1(const void* data, CC_LONG len, unsigned char* md);

// OpenSSL (the embedded OpenSSL.framework)
typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct { unsigned char bytes[8]; } DES_cblock;
typedef struct { DES_cblock ks[16]; } DES_key_schedule;
const EVP_CIPHER* EVP_rc4(void);
const EVP_CIPHER* EVP_des_ede3_cbc(void);
const EVP_CIPHER* EVP_aes_128_ecb(void);
int EVP_EncryptInit_ex(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, void* engine, const unsigned char* key,
                       const unsigned char* iv);
void DES_ecb_encrypt(const DES_cblock* in, DES_cblock* out, const DES_key_schedule* ks, int enc);

// AppsFlyerLib.framework
void AppsFlyerLibStart(const char* dev_key);

// libSystem
struct stat;
int ptrace(int request, int pid, void* addr, int data);
int sysctl(int* name, unsigned namelen, void* oldp, size_t* oldlenp, void* newp, size_t newlen);
int sysctlbyname(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen);
int getpid(void);
void* dlopen(const char* path, int mode);
void* dlsym(void* handle, const char* symbol);
int access(const char* path, int mode);
int stat(const char* path, struct stat* buf);
int snprintf(char* out, size_t cap, const char* fmt, ...);

// Foundation constants (NSFileManager attribute keys, NSURL resource keys)
extern id NSFileSystemFreeSize;
extern id NSFileSystemSize;
extern id NSURLVolumeAvailableCapacityForImportantUsageKey;

enum { PT_DENY_ATTACH = 31, SYS_ptrace = 26, CTL_KERN = 1, KERN_PROC = 14, KERN_PROC_PID = 1, RTLD_NOW = 2, F_OK = 0 };
#define RTLD_DEFAULT ((void*)-2)

OBJC_CLASS(cls_ASIdentifierManager, ASIdentifierManager);
OBJC_CLASS(cls_UIDevice, UIDevice);
OBJC_CLASS(cls_UIApplication, UIApplication);
OBJC_CLASS(cls_UITextInputMode, UITextInputMode);
OBJC_CLASS(cls_NSProcessInfo, NSProcessInfo);
OBJC_CLASS(cls_NSFileManager, NSFileManager);
OBJC_CLASS(cls_NSUserDefaults, NSUserDefaults);
OBJC_CLASS(cls_NSString, NSString);
OBJC_CLASS(cls_NSURL, NSURL);
OBJC_CLASS(cls_JSContext, JSContext);
OBJC_CLASS(cls_WKUserContentController, WKUserContentController);

OBJC_SELECTOR(sel_sharedManager, "sharedManager");
OBJC_SELECTOR(sel_advertisingIdentifier, "advertisingIdentifier");
OBJC_SELECTOR(sel_currentDevice, "currentDevice");
OBJC_SELECTOR(sel_identifierForVendor, "identifierForVendor");
OBJC_SELECTOR(sel_name, "name");
OBJC_SELECTOR(sel_processInfo, "processInfo");
OBJC_SELECTOR(sel_systemUptime, "systemUptime");
OBJC_SELECTOR(sel_activeInputModes, "activeInputModes");
OBJC_SELECTOR(sel_defaultManager, "defaultManager");
OBJC_SELECTOR(sel_attributesOfFileSystem, "attributesOfFileSystemForPath:error:");
OBJC_SELECTOR(sel_objectForKey, "objectForKey:");
OBJC_SELECTOR(sel_getResourceValue, "getResourceValue:forKey:error:");
OBJC_SELECTOR(sel_standardUserDefaults, "standardUserDefaults");
OBJC_SELECTOR(sel_stringWithUTF8String, "stringWithUTF8String:");
OBJC_SELECTOR(sel_URLWithString, "URLWithString:");
OBJC_SELECTOR(sel_sharedApplication, "sharedApplication");
OBJC_SELECTOR(sel_canOpenURL, "canOpenURL:");
OBJC_SELECTOR(sel_new, "new");
OBJC_SELECTOR(sel_addScriptMessageHandler, "addScriptMessageHandler:name:");
OBJC_SELECTOR(sel_setObjectForKeyedSubscript, "setObject:forKeyedSubscript:");

static id str(const char* s) { return SEND1(cls_NSString, sel_stringWithUTF8String, s); }

// --- CommonCrypto: DES, RC4, ECB, MD5, SHA-1 -------------------------------------------------
static const unsigned char kKey[16] = "0123456789abcde";
static const unsigned char kIv[8] = "fedcba9";

int legacy_des(const void* in, size_t len, void* out, size_t cap, size_t* moved) {
  return CCCrypt(kCCEncrypt, kCCAlgorithmDES, kCCOptionPKCS7Padding, kKey, 8, kIv, in, len, out, cap, moved);
}

int legacy_aes_ecb(const void* in, size_t len, void* out, size_t cap, size_t* moved) {
  return CCCrypt(kCCEncrypt, kCCAlgorithmAES, kCCOptionECBMode | kCCOptionPKCS7Padding, kKey, 16, 0, in, len, out,
                 cap, moved);
}

int legacy_rc4(CCCryptorRef* ref) { return CCCryptorCreate(kCCEncrypt, kCCAlgorithmRC4, 0, kKey, 16, 0, ref); }

int legacy_ecb_cryptor(CCCryptorRef* ref) {
  return CCCryptorCreateWithMode(kCCEncrypt, kCCModeECB, kCCAlgorithm3DES, ccNoPadding, 0, kKey, 16, 0, 0, 0, 0, ref);
}

void legacy_digests(const void* data, CC_LONG len, unsigned char* md5, unsigned char* sha1) {
  CC_MD5(data, len, md5);
  CC_SHA1(data, len, sha1);
}

// --- OpenSSL: DES, RC4, AES-ECB ---------------------------------------------------------------
int openssl_legacy(EVP_CIPHER_CTX* ctx, int which) {
  const EVP_CIPHER* c = which == 0 ? EVP_rc4() : which == 1 ? EVP_des_ede3_cbc() : EVP_aes_128_ecb();
  return EVP_EncryptInit_ex(ctx, c, 0, kKey, kIv);
}

void openssl_des_block(const DES_cblock* in, DES_cblock* out, const DES_key_schedule* ks) {
  DES_ecb_encrypt(in, out, ks, 1);
}

// --- identifiers and device signals -----------------------------------------------------------
id advertising_id(void) { return SEND0(SEND0(cls_ASIdentifierManager, sel_sharedManager), sel_advertisingIdentifier); }
id vendor_id(void) { return SEND0(SEND0(cls_UIDevice, sel_currentDevice), sel_identifierForVendor); }
id device_name(void) { return SEND0(SEND0(cls_UIDevice, sel_currentDevice), sel_name); }
id uptime(void) { return SEND0(SEND0(cls_NSProcessInfo, sel_processInfo), sel_systemUptime); }
id keyboards(void) { return SEND0(cls_UITextInputMode, sel_activeInputModes); }
id user_defaults(void) { return SEND0(cls_NSUserDefaults, sel_standardUserDefaults); }

id disk_space(id path, id url) {
  id attrs = SEND2(SEND0(cls_NSFileManager, sel_defaultManager), sel_attributesOfFileSystem, path, 0);
  SEND1(attrs, sel_objectForKey, NSFileSystemSize);
  id important = 0;
  ((BOOL(*)(id, SEL, id*, id, id*))objc_msgSend)(url, sel_getResourceValue, &important,
                                                  NSURLVolumeAvailableCapacityForImportantUsageKey, 0);
  return important ? important : SEND1(attrs, sel_objectForKey, NSFileSystemFreeSize);
}

int boot_time_and_model(void* boottime, size_t* boottime_len, char* model, size_t* model_len) {
  return sysctlbyname("kern.boottime", boottime, boottime_len, 0, 0) | sysctlbyname("hw.machine", model, model_len, 0, 0);
}

int file_created(const char* path, struct stat* st) { return stat(path, st); }

// --- JavaScript bridges -----------------------------------------------------------------------
void expose_native(id handler, id block) {
  id controller = SEND0(cls_WKUserContentController, sel_new);
  SEND2(controller, sel_addScriptMessageHandler, handler, str("native"));
  id context = SEND0(cls_JSContext, sel_new);
  SEND2(context, sel_setObjectForKeyedSubscript, block, str("nativeLog"));
}

// --- anti-debugging -----------------------------------------------------------------------------
int deny_attach(void) { return ptrace(PT_DENY_ATTACH, 0, 0, 0); }

long deny_attach_raw(void) {
  register long x0 __asm__("x0") = PT_DENY_ATTACH;
  register long x1 __asm__("x1") = 0;
  register long x2 __asm__("x2") = 0;
  register long x3 __asm__("x3") = 0;
  register long x16 __asm__("x16") = SYS_ptrace;
  __asm__ volatile("svc #0x80" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3), "r"(x16) : "memory", "cc");
  return x0;
}

int deny_attach_hidden(void) {
  int (*fn)(int, int, void*, int) = (int (*)(int, int, void*, int))dlsym(RTLD_DEFAULT, "ptrace");
  return fn ? fn(PT_DENY_ATTACH, 0, 0, 0) : -1;
}

// kinfo_proc of this process; the caller tests kp_proc.p_flag & P_TRACED.
int proc_info(void* info, size_t* size) {
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, getpid()};
  return sysctl(mib, 4, info, size, 0, 0);
}

// --- jailbreak probes ---------------------------------------------------------------------------
int jailbroken(void) {
  static const char* const paths[] = {"/Applications/Cydia.app", "/Library/MobileSubstrate/MobileSubstrate.dylib",
                                      "/etc/apt", "/private/var/lib/apt/", "/Applications/Sileo.app", "/var/jb",
                                      "/usr/sbin/sshd"};
  for (unsigned i = 0; i < sizeof paths / sizeof *paths; ++i)
    if (access(paths[i], F_OK) == 0) return 1;
  id url = SEND1(cls_NSURL, sel_URLWithString, str("cydia://package/com.example.package"));
  return SEND1(SEND0(cls_UIApplication, sel_sharedApplication), sel_canOpenURL, url) != 0;
}

// --- code loaded from the container -------------------------------------------------------------
void* load_downloaded_plugin(const char* home) {
  char path[1024];
  snprintf(path, sizeof path, "%s/Library/Caches/plugins/libhotpatch.dylib", home);
  void* h = dlopen(path, RTLD_NOW);
  if (!h) {
    snprintf(path, sizeof path, "%s/Documents/Plugins/Extra.bundle", home);
    h = dlopen(path, RTLD_NOW);
  }
  return h;
}

// --- embedded credentials (fake values in the documented formats) -------------------------------
static const char* const kSecrets[] = {
    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFixtureOnlyNotARealKeyAAAAAAAAAAAAAAAAoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n",
    "sk_live_FixtureOnly0000000000000000",
    "xoxb-000000000000-fixtureonly",
    "ghp_FixtureOnlyNotARealToken000000000000",
    "AIzaSyDfakeFixtureKey0123456789abcdEFgh",
    "https://sdkscope-checks-ios.firebaseio.com",
};

const char* secret(unsigned i) { return i < sizeof kSecrets / sizeof *kSecrets ? kSecrets[i] : 0; }

int main(void) {
  AppsFlyerLibStart("fixtureDevKey");
  return 0;
}
