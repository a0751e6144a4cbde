# First half of a multidex pair: calls into a class that lives in the second dex.
.class public Lcom/example/multi/App;
.super Landroid/app/Application;
.source "App.java"

.method public onCreate()V
    .registers 2
    invoke-super {p0}, Landroid/app/Application;->onCreate()V
    const-string v0, "https://one.example.org/config"
    invoke-static {v0}, Lcom/example/multi/Helper;->ping(Ljava/lang/String;)V
    return-void
.end method
