// Java 17 bytecode: a record (ObjectMethods bootstrap), string concatenation through
// invokedynamic (StringConcatFactory, MethodHandle, MethodType) and a lambda.
package com.demo.modern;

import java.util.function.Supplier;
import java.util.logging.Logger;

public record Beacon(String host, int port) {
  private static final Logger LOG = Logger.getLogger("com.demo.modern");

  public String url(String path) {
    return "https://" + host + ":" + port + path;
  }

  public Supplier<String> lazyUrl() {
    return () -> url("/beacon/v2");
  }

  public void log() {
    LOG.info(() -> "beacon " + host);
  }
}
