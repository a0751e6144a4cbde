# An abstract class whose only method is abstract, and a static final String that lives in the
# string pool (static_values) without any code loading it.
.class public abstract Lcom/example/app/BaseTask;
.super Ljava/lang/Object;
.source "BaseTask.java"

.field public static final TOKEN:Ljava/lang/String; = "static-field-value"

.method public abstract run()V
.end method
