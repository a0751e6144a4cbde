// The demo app: an arm64 iOS executable (and an x86_64 simulator build) with ObjC classes in a
// neutral namespace and two in well-known SDK-like namespaces, C and CFString URLs, imports from
// a vendor-like framework (strong) and a second one (weak).
#include "objc_min.h"

extern int DemoAnalyticsStart(const char *key);
extern void DemoAdsLoad(void) __attribute__((weak_import));
extern int ptrace(int request, int pid, void *addr, int data);

// A root class of our own, as SDKs that avoid NSObject do.
__attribute__((objc_root_class))
@interface BuglyDemoConfig {
  int level_;
}
+ (id)alloc;
- (int)level;
@end

@implementation BuglyDemoConfig
+ (id)alloc { return 0; }
- (int)level { return level_; }
@end

@interface BuglyDemoConfig (Reporting)
- (const char *)reportHost;
@end

@implementation BuglyDemoConfig (Reporting)
- (const char *)reportHost { return "https://crash.sdkscope-demo.net/report"; }
@end

@interface SDKSDemoAppDelegate : NSObject
- (int)launch;
@end

@implementation SDKSDemoAppDelegate
- (int)launch { return DemoAnalyticsStart("demo-app-key-0001"); }
@end

@interface DemoFeedViewController : SDKSDemoAppDelegate
@end

@implementation DemoFeedViewController
@end

// A category on a class from another image: its class pointer is bound at load time.
@interface NSObject (DemoTracking)
- (void)demoTrack;
@end

@implementation NSObject (DemoTracking)
- (void)demoTrack {}
@end

const char *kApiBase = "https://api.sdkscope-demo.net/ios/v1";
const char *kJailbreakProbe = "/Applications/Cydia.app";

const void *demo_cf_url(void) { return @"https://cf.sdkscope-demo.net/x"; }
const void *demo_cf_utf16(void) { return @"https://cf16.sdkscope-demo.net/\u00e9t\u00e9"; }

int main(void) {
  if (DemoAdsLoad) DemoAdsLoad();
  ptrace(31, 0, 0, 0);
  return kApiBase[0] + kJailbreakProbe[0];
}
