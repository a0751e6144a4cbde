.class public Lcom/tencent/tinker/lib/tinker/Tinker;
.super Ljava/lang/Object;

.method public static run(Landroid/content/Context;)V
    .registers 8

    return-void
.end method
