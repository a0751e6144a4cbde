# A marker interface: no members at all, so its class_def has class_data_off == 0.
.class public interface abstract Lcom/example/app/Marker;
.super Ljava/lang/Object;
.source "Marker.java"
