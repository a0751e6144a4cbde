/* The demo app's own native library: a JNI entry point and two endpoints in read-only data. */
const char *kTelemetry = "https://telemetry.sdkscope-demo.net/v1/collect";
const char *kFallback = "http://203.0.113.7:8080/fallback";
const char *Java_com_sdkscope_demo_MainActivity_nativeUrl(void) { return kTelemetry; }
const char *demo_fallback(void) { return kFallback; }
