// Static library member 2 (a long member name: "#1/NN" in BSD archives, "//" table in GNU ones).
#include "objc_min.h"

@interface DemoTrackConfiguration : NSObject
@end

@implementation DemoTrackConfiguration
@end

const char *demo_track_app_id = "demo-track-app-id-42";
