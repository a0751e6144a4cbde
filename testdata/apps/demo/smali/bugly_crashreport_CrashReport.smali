.class public Lcom/tencent/bugly/crashreport/CrashReport;
.super Ljava/lang/Object;

.method public static upload()Ljava/lang/String;
    .registers 1
    const-string v0, "https://android.bugly.qq.com/rqd/async"
    return-object v0
.end method
