// The few runtime declarations the fixtures need: there is no Apple SDK on this machine, so the
// root class and NSObject are declared here (the linker resolves NSObject through libobjc.tbd).
typedef struct objc_object *id;
typedef signed char BOOL;

__attribute__((objc_root_class))
@interface NSObject
+ (id)alloc;
- (id)init;
@end
