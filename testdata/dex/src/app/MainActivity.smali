# The app's entry activity: loads an API endpoint, reads ANDROID_ID through Settings$Secure, and
# carries switch and array payloads whose data would read as const-string if the walker ever
# decoded a payload as instructions: the keys and array items are 0xNNNN001a words, and each
# payload's size field is chosen so that a walker treating its ident as a one-unit nop falls in
# step with them (packed-switch size 1 = "move", sparse-switch size 3 = "move/16" over the first
# key, fill-array-data element width 4 = "move-wide" then size 256 = "nop").
.class public Lcom/example/app/MainActivity;
.super Landroid/app/Activity;
.source "MainActivity.java"

.implements Lcom/example/app/Callback;

.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 4
    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V
    const-string v0, "https://api.example.com/v1"
    invoke-static {v0}, Lcom/example/app/MainActivity;->log(Ljava/lang/String;)V
    invoke-virtual {p0}, Lcom/example/app/MainActivity;->getContentResolver()Landroid/content/ContentResolver;
    move-result-object v0
    const-string v1, "android_id"
    invoke-static {v0, v1}, Landroid/provider/Settings$Secure;->getString(Landroid/content/ContentResolver;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    invoke-static {v0}, Lcom/example/app/MainActivity;->log(Ljava/lang/String;)V
    new-instance v0, Lcom/example/app/MainActivity$Inner;
    invoke-direct {v0}, Lcom/example/app/MainActivity$Inner;-><init>()V
    invoke-virtual {v0}, Lcom/example/app/MainActivity$Inner;->endpoint()Ljava/lang/String;
    return-void
.end method

.method private static log(Ljava/lang/String;)V
    .registers 2
    const-string v0, "MainActivity"
    invoke-static {v0, p0}, Landroid/util/Log;->d(Ljava/lang/String;Ljava/lang/String;)I
    return-void
.end method

.method public onResult(Ljava/lang/String;)V
    .registers 2
    invoke-static {p1}, Lcom/example/app/MainActivity;->log(Ljava/lang/String;)V
    return-void
.end method

.method public static classify(I)I
    .registers 2
    packed-switch p0, :packed
    sparse-switch p0, :sparse
    const/4 v0, 0x0
    return v0
    :case_a
    const/4 v0, 0x1
    return v0
    :case_b
    const/4 v0, 0x2
    return v0
    :case_c
    const/4 v0, 0x3
    return v0

    :packed
    .packed-switch 0x0005001a
        :case_b
    .end packed-switch

    :sparse
    .sparse-switch
        0x0003001a -> :case_a
        0x0007001a -> :case_b
        0x7fff001a -> :case_c
    .end sparse-switch
.end method

.method public static table()[I
    .registers 2
    const/16 v1, 0x100
    new-array v0, v1, [I
    fill-array-data v0, :decoy
    return-object v0

    :decoy
    .array-data 4
        0x0000001a
        0x0001001a
        0x0002001a
        0x0003001a
        0x0004001a
        0x0005001a
        0x0006001a
        0x0007001a
        0x0008001a
        0x0009001a
        0x000a001a
        0x000b001a
        0x000c001a
        0x000d001a
        0x000e001a
        0x000f001a
        0x0010001a
        0x0011001a
        0x0012001a
        0x0013001a
        0x0014001a
        0x0015001a
        0x0016001a
        0x0017001a
        0x0018001a
        0x0019001a
        0x001a001a
        0x001b001a
        0x001c001a
        0x001d001a
        0x001e001a
        0x001f001a
        0x0020001a
        0x0021001a
        0x0022001a
        0x0023001a
        0x0024001a
        0x0025001a
        0x0026001a
        0x0027001a
        0x0028001a
        0x0029001a
        0x002a001a
        0x002b001a
        0x002c001a
        0x002d001a
        0x002e001a
        0x002f001a
        0x0030001a
        0x0031001a
        0x0032001a
        0x0033001a
        0x0034001a
        0x0035001a
        0x0036001a
        0x0037001a
        0x0038001a
        0x0039001a
        0x003a001a
        0x003b001a
        0x003c001a
        0x003d001a
        0x003e001a
        0x003f001a
        0x0040001a
        0x0041001a
        0x0042001a
        0x0043001a
        0x0044001a
        0x0045001a
        0x0046001a
        0x0047001a
        0x0048001a
        0x0049001a
        0x004a001a
        0x004b001a
        0x004c001a
        0x004d001a
        0x004e001a
        0x004f001a
        0x0050001a
        0x0051001a
        0x0052001a
        0x0053001a
        0x0054001a
        0x0055001a
        0x0056001a
        0x0057001a
        0x0058001a
        0x0059001a
        0x005a001a
        0x005b001a
        0x005c001a
        0x005d001a
        0x005e001a
        0x005f001a
        0x0060001a
        0x0061001a
        0x0062001a
        0x0063001a
        0x0064001a
        0x0065001a
        0x0066001a
        0x0067001a
        0x0068001a
        0x0069001a
        0x006a001a
        0x006b001a
        0x006c001a
        0x006d001a
        0x006e001a
        0x006f001a
        0x0070001a
        0x0071001a
        0x0072001a
        0x0073001a
        0x0074001a
        0x0075001a
        0x0076001a
        0x0077001a
        0x0078001a
        0x0079001a
        0x007a001a
        0x007b001a
        0x007c001a
        0x007d001a
        0x007e001a
        0x007f001a
        0x0080001a
        0x0081001a
        0x0082001a
        0x0083001a
        0x0084001a
        0x0085001a
        0x0086001a
        0x0087001a
        0x0088001a
        0x0089001a
        0x008a001a
        0x008b001a
        0x008c001a
        0x008d001a
        0x008e001a
        0x008f001a
        0x0090001a
        0x0091001a
        0x0092001a
        0x0093001a
        0x0094001a
        0x0095001a
        0x0096001a
        0x0097001a
        0x0098001a
        0x0099001a
        0x009a001a
        0x009b001a
        0x009c001a
        0x009d001a
        0x009e001a
        0x009f001a
        0x00a0001a
        0x00a1001a
        0x00a2001a
        0x00a3001a
        0x00a4001a
        0x00a5001a
        0x00a6001a
        0x00a7001a
        0x00a8001a
        0x00a9001a
        0x00aa001a
        0x00ab001a
        0x00ac001a
        0x00ad001a
        0x00ae001a
        0x00af001a
        0x00b0001a
        0x00b1001a
        0x00b2001a
        0x00b3001a
        0x00b4001a
        0x00b5001a
        0x00b6001a
        0x00b7001a
        0x00b8001a
        0x00b9001a
        0x00ba001a
        0x00bb001a
        0x00bc001a
        0x00bd001a
        0x00be001a
        0x00bf001a
        0x00c0001a
        0x00c1001a
        0x00c2001a
        0x00c3001a
        0x00c4001a
        0x00c5001a
        0x00c6001a
        0x00c7001a
        0x00c8001a
        0x00c9001a
        0x00ca001a
        0x00cb001a
        0x00cc001a
        0x00cd001a
        0x00ce001a
        0x00cf001a
        0x00d0001a
        0x00d1001a
        0x00d2001a
        0x00d3001a
        0x00d4001a
        0x00d5001a
        0x00d6001a
        0x00d7001a
        0x00d8001a
        0x00d9001a
        0x00da001a
        0x00db001a
        0x00dc001a
        0x00dd001a
        0x00de001a
        0x00df001a
        0x00e0001a
        0x00e1001a
        0x00e2001a
        0x00e3001a
        0x00e4001a
        0x00e5001a
        0x00e6001a
        0x00e7001a
        0x00e8001a
        0x00e9001a
        0x00ea001a
        0x00eb001a
        0x00ec001a
        0x00ed001a
        0x00ee001a
        0x00ef001a
        0x00f0001a
        0x00f1001a
        0x00f2001a
        0x00f3001a
        0x00f4001a
        0x00f5001a
        0x00f6001a
        0x00f7001a
        0x00f8001a
        0x00f9001a
        0x00fa001a
        0x00fb001a
        0x00fc001a
        0x00fd001a
        0x00fe001a
        0x00ff001a
    .end array-data
.end method
