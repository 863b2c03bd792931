package dev.streamll.testing;

import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A sink for tests that keeps what it confirmed and can be told to fail or hang, so forwarder
 * behaviour (retry, circuit breaker, timeouts) is exercised against a real {@link Sink}.
 */
public final class CollectingSink implements Sink {
  private final String name;
  private final List<EncodedEvent> confirmed = new CopyOnWriteArrayList<>();
  private final AtomicInteger writes = new AtomicInteger();
  private volatile Consumer<List<EncodedEvent>> behaviour = batch -> {};
  private volatile RuntimeException startError;

  public CollectingSink(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  /** Runs before each write is confirmed; throw from it to fail the write. */
  public CollectingSink behaviour(Consumer<List<EncodedEvent>> behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  public CollectingSink failWith(RuntimeException error) {
    return behaviour(
        batch -> {
          throw error;
        });
  }

  /** Makes {@link #start()} throw, as a sink with bad configuration would. */
  public CollectingSink failStartWith(RuntimeException error) {
    this.startError = error;
    return this;
  }

  @Override
  public void start() {
    if (startError != null) {
      throw startError;
    }
  }

  public CollectingSink healthy() {
    return behaviour(batch -> {});
  }

  @Override
  public void write(List<EncodedEvent> batch) {
    writes.incrementAndGet();
    behaviour.accept(batch);
    confirmed.addAll(batch);
  }

  public int writeCalls() {
    return writes.get();
  }

  public List<EncodedEvent> confirmed() {
    return List.copyOf(confirmed);
  }

  public List<StreamllEvent> events() {
    List<StreamllEvent> events = new ArrayList<>();
    confirmed.forEach(e -> events.add(e.event()));
    return events;
  }
}
