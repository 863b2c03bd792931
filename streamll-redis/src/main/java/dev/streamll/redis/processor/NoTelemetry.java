package dev.streamll.redis.processor;

import java.util.function.LongSupplier;

/** Telemetry that reports nothing, for class paths without OpenTelemetry. */
enum NoTelemetry implements ProcessorTelemetry, ProcessorTelemetry.Observation {
  INSTANCE;

  @Override
  public Observation startEntry(
      String stream, String group, String entryId, long attempt, String traceparent) {
    return this;
  }

  @Override
  public void retried(String stream, String group) {}

  @Override
  public void deadLettered(String stream, String group) {}

  @Override
  public AutoCloseable watchPending(String stream, String group, LongSupplier pending) {
    return () -> {};
  }

  @Override
  public String currentTraceparent() {
    return null;
  }

  @Override
  public void succeeded() {}

  @Override
  public void failed(Throwable error) {}
}
