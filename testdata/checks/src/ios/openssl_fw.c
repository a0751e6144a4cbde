// openssl_fw.c: the binary of Fixture.app/Frameworks/OpenSSL.framework, a stand-in for a
// prebuilt OpenSSL framework (OpenSSL is on Apple's list of SDKs that must ship a privacy
// manifest). It defines (exports) the functions the apps import; the bodies do nothing useful.
typedef struct evp_cipher_st { int nid; } EVP_CIPHER;
typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct { unsigned char bytes[8]; } DES_cblock;
typedef struct { DES_cblock ks[16]; } DES_key_schedule;

static const EVP_CIPHER kRc4 = {5}, kDesEde3Cbc = {44}, kAes128Ecb = {418}, kAes256Gcm = {901};

const EVP_CIPHER* EVP_rc4(void) { return &kRc4; }
const EVP_CIPHER* EVP_des_ede3_cbc(void) { return &kDesEde3Cbc; }
const EVP_CIPHER* EVP_aes_128_ecb(void) { return &kAes128Ecb; }
const EVP_CIPHER* EVP_aes_256_gcm(void) { return &kAes256Gcm; }

int EVP_EncryptInit_ex(EVP_CIPHER_CTX* ctx, const EVP_CIPHER* cipher, void* engine, const unsigned char* key,
                       const unsigned char* iv) {
  return ctx && cipher && !engine && key && iv;
}

void DES_ecb_encrypt(const DES_cblock* in, DES_cblock* out, const DES_key_schedule* ks, int enc) {
  for (int i = 0; i < 8; ++i) out->bytes[i] = in->bytes[i] ^ ks->ks[0].bytes[i] ^ (unsigned char)enc;
}
