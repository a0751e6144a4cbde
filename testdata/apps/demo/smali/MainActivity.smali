.class public Lcom/sdkscope/demo/MainActivity;
.super Landroid/app/Activity;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method public login()Ljava/lang/String;
    .registers 2
    const-string v0, "https://api.sdkscope-demo.net/v2/login"
    const-string v1, "http://legacy.sdkscope-demo.net/upload?token=%s"
    return-object v0
.end method
