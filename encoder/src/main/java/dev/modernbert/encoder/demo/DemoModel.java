package dev.modernbert.encoder.demo;

import java.nio.file.Path;

/** Placeholder replaced by the demo generator. */
public final class DemoModel {
  public static final String NAME = "demo";

  private DemoModel() {}

  public static Path ensure() {
    throw new UnsupportedOperationException("demo model not yet generated");
  }
}
