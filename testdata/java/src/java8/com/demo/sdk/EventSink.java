// An SDK interface: Tracker implements it, and calls through it (InterfaceMethodref).
package com.demo.sdk;

public interface EventSink {
  void onEvent(String name, String payload);

  boolean isOpen();
}
