# An interface: class data with an abstract method and no code item.
.class public interface abstract Lcom/example/app/Callback;
.super Ljava/lang/Object;
.source "Callback.java"

.method public abstract onResult(Ljava/lang/String;)V
.end method
