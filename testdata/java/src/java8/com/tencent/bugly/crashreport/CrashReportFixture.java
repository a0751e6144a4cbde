// Written for sdkscope's tests: a class under a real SDK's package namespace (Tencent Bugly), so
// package-prefix matching can be exercised without shipping anyone's SDK. Not Bugly code.
package com.tencent.bugly.crashreport;

import com.demo.sdk.EventSink;
import com.demo.sdk.Tracker;

public class CrashReportFixture extends Tracker implements EventSink {
  public static final String UPLOAD_URL = "https://crashreport-fixture.sdkscope-demo.net/rqd/async";

  public static void initCrashReport(Object context, String appId, boolean debug) {
    CrashReportFixture fixture = new CrashReportFixture();
    fixture.onEvent("init", appId + (debug ? ":debug" : ""));
  }
}
