.class public Lcom/tencent/bugly/Bugly;
.super Ljava/lang/Object;
