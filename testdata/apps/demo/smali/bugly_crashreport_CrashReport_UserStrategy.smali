.class public Lcom/tencent/bugly/crashreport/CrashReport$UserStrategy;
.super Ljava/lang/Object;
