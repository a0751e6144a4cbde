.class public Lcom/tencent/bugly/crashreport/BuglyLog;
.super Ljava/lang/Object;
