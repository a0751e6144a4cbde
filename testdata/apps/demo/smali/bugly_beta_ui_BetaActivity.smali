.class public Lcom/tencent/bugly/beta/ui/BetaActivity;
.super Ljava/lang/Object;
