// The demo SDK's entry point: string constants (endpoint, version), a static nested class, an
// inner (non-static) class, an array class reference, and calls through an interface.
package com.demo.sdk;

import java.util.ArrayList;
import java.util.List;

public class Tracker implements EventSink, Runnable {
  public static final String ENDPOINT = "https://collect.sdkscope-demo.net/v1/event";
  public static final String VERSION = "SDK_VERSION_3.2.1";

  private final List<Event> queue = new ArrayList<Event>();
  private EventSink delegate;

  /** A queued event (static nested class: Tracker$Event). */
  public static final class Event {
    final String name;
    final String payload;

    Event(String name, String payload) {
      this.name = name;
      this.payload = payload;
    }
  }

  /** Flushes the queue (inner class: Tracker$Flusher, holds this$0). */
  final class Flusher implements Runnable {
    @Override
    public void run() {
      for (Event e : queue) {
        if (delegate != null && delegate.isOpen()) delegate.onEvent(e.name, e.payload);
      }
      queue.clear();
    }
  }

  public void setDelegate(EventSink sink) {
    this.delegate = sink;
  }

  @Override
  public void onEvent(String name, String payload) {
    queue.add(new Event(name, payload));
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void run() {
    new Flusher().run();
  }

  /** Returns the queued names; the String[] makes a CONSTANT_Class "[Ljava/lang/String;". */
  public String[] names() {
    String[] out = new String[queue.size()];
    for (int i = 0; i < out.length; ++i) out[i] = queue.get(i).name;
    return out;
  }

  /** A primitive array and its clone(): "[I" must not become a class name. */
  public int[] counts() {
    int[] c = new int[] {queue.size(), 0};
    return c.clone();
  }

  public String url(String path) {
    return ENDPOINT + "?v=" + VERSION + "&p=" + path;
  }

  public long sinceEpoch() {
    return 1_700_000_000_000L;  // a CONSTANT_Long: two pool slots
  }

  public double sampling() {
    return 0.25;  // a CONSTANT_Double: two pool slots
  }
}
