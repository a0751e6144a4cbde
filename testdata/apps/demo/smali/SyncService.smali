.class public Lcom/sdkscope/demo/SyncService;
.super Landroid/app/Service;

.method public endpoint()Ljava/lang/String;
    .registers 2
    const-string v0, "wss://sync.sdkscope-demo.net:8443/socket"
    const-string v1, "http://schemas.android.com/apk/res/android"
    return-object v0
.end method
