# Strings that exercise MUTF-8: two-byte (U+00E9), three-byte (U+4E2D U+6587), a supplementary
# character stored as a surrogate pair (U+1F600), and an embedded NUL stored as 0xC0 0x80.
.class public final Lcom/example/app/Texts;
.super Ljava/lang/Object;
.source "Texts.java"

.method public static all()V
    .registers 1
    const-string v0, "caf\u00e9"
    const-string v0, "\u4e2d\u6587"
    const-string v0, "smile \ud83d\ude00"
    const-string v0, "nul\u0000inside"
    return-void
.end method
