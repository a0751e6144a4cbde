// strings_only.c: names the same app-storage library path and the same system property as
// positive.c, but imports neither dlopen nor __system_property_get: it only hands the names to
// a callback (the Java side loads and reads them). The "with" rules of
// native.dynamic.dlopen_writable and android.fingerprint.hardware_ids need the import in the
// same library, so both must stay silent here.
typedef void (*report_fn)(const char* key, const char* value);

static const char kPatchPath[] = "/data/data/net.sdkscope.checks/files/hotfix/libpatch.so";
static const char kSerialProperty[] = "ro.serialno";

void describe_paths(report_fn report) {
  report("patch_library", kPatchPath);
  report("serial_property", kSerialProperty);
}
