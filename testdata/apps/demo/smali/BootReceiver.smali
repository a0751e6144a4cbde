.class public Lcom/sdkscope/demo/BootReceiver;
.super Landroid/content/BroadcastReceiver;
