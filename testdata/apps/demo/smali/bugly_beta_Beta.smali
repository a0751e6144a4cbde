.class public Lcom/tencent/bugly/beta/Beta;
.super Ljava/lang/Object;
