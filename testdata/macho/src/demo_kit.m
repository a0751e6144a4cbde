// A framework binary (dylib) with an install name, an older deployment target (so the linker
// writes LC_VERSION_MIN_IPHONEOS instead of LC_BUILD_VERSION) and a re-exported library.
#include "objc_min.h"

@interface DemoKitClient : NSObject
- (const char *)endpoint;
@end

@implementation DemoKitClient
- (const char *)endpoint { return "https://kit.sdkscope-demo.net/v2/events"; }
@end

@interface DemoKitSession : DemoKitClient
@end

@implementation DemoKitSession
@end

int DemoKitVersion(void) { return 2; }
