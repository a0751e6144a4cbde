// appsflyer_fw.c: the binary of Fixture.app/Frameworks/AppsFlyerLib.framework, a stand-in for
// the AppsFlyer attribution SDK (signatures/sdks: appsflyer.sdk, framework AppsFlyerLib, domain
// appsflyer.com). Its endpoint is a tracking host: ios.privacy.undeclared_tracking_domain fires
// unless some privacy manifest lists it in NSPrivacyTrackingDomains.
typedef __SIZE_TYPE__ size_t;
int snprintf(char* out, size_t cap, const char* fmt, ...);

static char g_url[256];

void AppsFlyerLibStart(const char* dev_key) {
  snprintf(g_url, sizeof g_url, "https://launches.appsflyer.com/api/v6.9/iosevent?devkey=%s", dev_key);
}
