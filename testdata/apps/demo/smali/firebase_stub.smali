.class public Lcom/google/firebase/FirebaseException;
.super Ljava/lang/Exception;
