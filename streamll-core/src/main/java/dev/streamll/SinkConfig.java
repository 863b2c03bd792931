package dev.streamll;

import dev.streamll.forward.EventFilter;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkUrl;
import dev.streamll.sink.Sinks;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A sink plus how its forwarder treats it. Create one from a URL ({@code redis://…}) or a {@link
 * Sink} object, then refine it: {@code SinkConfig.of("terminal:").filter(...)}.
 */
public final class SinkConfig {
  private final String description;
  private final Supplier<Sink> factory;
  private final ForwarderOptions options;
  private final String cursorName;

  private SinkConfig(
      String description, Supplier<Sink> factory, ForwarderOptions options, String cursorName) {
    this.description = description;
    this.factory = factory;
    this.options = options;
    this.cursorName = cursorName;
  }

  /**
   * A sink chosen by URL; the URL is checked now so mistakes surface at configure time.
   *
   * @throws IllegalArgumentException for a malformed URL or an unknown or missing scheme
   */
  public static SinkConfig of(String url) {
    SinkUrl parsed = SinkUrl.parse(url);
    // Creating a sink only parses its options (providers connect in start()), so this reports a
    // bad scheme or option now and the real instance is created when an instance starts.
    Objects.requireNonNull(Sinks.create(url), "sink provider returned null");
    return new SinkConfig(
        parsed.redacted(), () -> Sinks.create(url), ForwarderOptions.defaults(), null);
  }

  public static SinkConfig of(Sink sink) {
    Objects.requireNonNull(sink, "sink");
    return new SinkConfig(sink.name(), () -> sink, ForwarderOptions.defaults(), null);
  }

  public SinkConfig options(ForwarderOptions options) {
    return new SinkConfig(description, factory, Objects.requireNonNull(options), cursorName);
  }

  /** Only events this filter accepts reach the sink. */
  public SinkConfig filter(EventFilter filter) {
    return options(options.toBuilder().filter(filter).build());
  }

  /**
   * The journal cursor this sink resumes from after a restart (default: derived from the sink's
   * name). Give two sinks with the same name distinct cursor names.
   */
  public SinkConfig cursorName(String cursorName) {
    return new SinkConfig(description, factory, options, cursorName);
  }

  String description() {
    return description;
  }

  Sink createSink() {
    return factory.get();
  }

  ForwarderOptions options() {
    return options;
  }

  String cursorName() {
    return cursorName;
  }

  @Override
  public String toString() {
    return description;
  }
}
