package dev.streamll.cli;

import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkException;
import dev.streamll.sink.SinkProvider;
import dev.streamll.sink.SinkUrl;
import dev.streamll.testing.CollectingSink;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code test://NAME?…} or {@code test://HOST:PORT/NAME?…}: a {@link CollectingSink} kept under
 * NAME so a test can see what a command delivered through {@link dev.streamll.sink.Sinks}. Options:
 * {@code failStart=MESSAGE} fails {@code start()}; {@code failFrom=N} fails every batch holding a
 * sequence at or above N; {@code failWrite=MESSAGE} fails every write.
 */
public final class TestSinkProvider implements SinkProvider {
  private static final Map<String, CollectingSink> SINKS = new ConcurrentHashMap<>();

  static CollectingSink sink(String name) {
    return SINKS.computeIfAbsent(name, CollectingSink::new);
  }

  static void reset(String name) {
    SINKS.remove(name);
  }

  @Override
  public Set<String> schemes() {
    return Set.of("test");
  }

  @Override
  public Sink create(SinkUrl url) {
    String name = url.path().isEmpty() ? url.host() : url.path();
    CollectingSink sink = sink(name);
    String failStart = url.option("failStart", null);
    long failFrom = url.longOption("failFrom", Long.MAX_VALUE);
    String failWrite = url.option("failWrite", null);
    sink.behaviour(
        batch -> {
          if (failWrite != null) {
            throw new SinkException(failWrite);
          }
          if (batch.stream().anyMatch(e -> e.sequence() >= failFrom)) {
            throw new SinkException("test sink refuses sequences from " + failFrom);
          }
        });
    return new Sink() {
      @Override
      public String name() {
        return "test://" + name;
      }

      @Override
      public void start() {
        if (failStart != null) {
          throw new SinkException(failStart);
        }
      }

      @Override
      public void write(java.util.List<dev.streamll.sink.EncodedEvent> batch) {
        sink.write(batch);
      }
    };
  }
}
