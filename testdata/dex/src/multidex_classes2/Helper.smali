# Second half of a multidex pair, assembled for API 28 (dex 039).
.class public final Lcom/example/multi/Helper;
.super Ljava/lang/Object;
.source "Helper.java"

.method public static ping(Ljava/lang/String;)V
    .registers 2
    const-string v0, "https://two.example.org/ping"
    invoke-static {v0, p0}, Landroid/util/Log;->i(Ljava/lang/String;Ljava/lang/String;)I
    return-void
.end method
