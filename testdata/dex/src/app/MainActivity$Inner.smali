# An inner class (binary name with '$') that loads its endpoint with const-string/jumbo.
.class public Lcom/example/app/MainActivity$Inner;
.super Ljava/lang/Object;
.source "MainActivity.java"

.annotation system Ldalvik/annotation/EnclosingClass;
    value = Lcom/example/app/MainActivity;
.end annotation

.annotation system Ldalvik/annotation/InnerClass;
    accessFlags = 0x9
    name = "Inner"
.end annotation

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    return-void
.end method

.method public endpoint()Ljava/lang/String;
    .registers 2
    const-string/jumbo v0, "wss://push.example.net/socket"
    return-object v0
.end method
