// Static library member 1: a vendor-like tracking core.
#include "objc_min.h"
@import DemoLinkHints;  // autolinking: LC_LINKER_OPTION -framework AdSupport, -lz

@interface DemoTrackCore : NSObject
- (const char *)collectorURL;
@end

@implementation DemoTrackCore
- (const char *)collectorURL { return demo_link_hint() ? "https://log.sdkscope-demo.net/collect" : 0; }
@end

@interface NSObject (DemoTrackSwizzle)
- (void)demo_track_swizzled;
@end

@implementation NSObject (DemoTrackSwizzle)
- (void)demo_track_swizzled {}
@end

const void *demo_track_cf(void) { return @"https://cf.log.sdkscope-demo.net/cf"; }
