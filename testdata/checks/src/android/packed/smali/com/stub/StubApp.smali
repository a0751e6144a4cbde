.class public Lcom/stub/StubApp;
.super Landroid/app/Application;

.method public static run(Landroid/content/Context;)V
    .registers 8

    return-void
.end method
