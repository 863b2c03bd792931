package dev.streamll.redis.processor;

import java.util.function.LongSupplier;

/**
 * Where the processor reports spans and metrics. OpenTelemetry is an optional dependency: {@link
 * #detect()} uses it only when {@code io.opentelemetry.api.GlobalOpenTelemetry} is on the class
 * path, so the processor runs without it.
 */
public interface ProcessorTelemetry {

  /** The observation of one attempt; opened and ended on the handler's thread. */
  interface Observation {
    void succeeded();

    void failed(Throwable error);
  }

  /**
   * Starts observing one attempt and makes its span current on this thread until the observation
   * ends.
   *
   * @param traceparent the entry's W3C {@code traceparent} field, or null
   */
  Observation startEntry(
      String stream, String group, String entryId, long attempt, String traceparent);

  /** An entry failed and will be attempted again. */
  void retried(String stream, String group);

  /** An entry was moved to the dead-letter stream. */
  void deadLettered(String stream, String group);

  /**
   * Reports how many entries this consumer holds unacknowledged while the returned handle is open.
   */
  AutoCloseable watchPending(String stream, String group, LongSupplier pending);

  /** The W3C {@code traceparent} of the current span, or null when there is none. */
  String currentTraceparent();

  /** Reports nothing. */
  static ProcessorTelemetry none() {
    return NoTelemetry.INSTANCE;
  }

  /**
   * OpenTelemetry through {@code GlobalOpenTelemetry} when the API is on the class path, else
   * {@link #none()}.
   */
  static ProcessorTelemetry detect() {
    ClassLoader loader = ProcessorTelemetry.class.getClassLoader();
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, loader);
    } catch (ClassNotFoundException absent) {
      return none();
    }
    try {
      // Loaded reflectively so that this interface never links against OpenTelemetry types.
      return (ProcessorTelemetry)
          Class.forName("dev.streamll.redis.processor.OpenTelemetryTelemetry", true, loader)
              .getMethod("global")
              .invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("OpenTelemetry API is present but unusable: " + e, e);
    }
  }
}
