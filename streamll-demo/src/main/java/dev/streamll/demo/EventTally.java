package dev.streamll.demo;

import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sink;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A sink that counts what it receives, for the demo's closing summary. */
final class EventTally implements Sink {
  private final Map<String, Integer> counts = new TreeMap<>();
  private int total;

  @Override
  public String name() {
    return "demo-tally";
  }

  @Override
  public synchronized void write(List<EncodedEvent> batch) {
    for (EncodedEvent encoded : batch) {
      StreamllEvent event = encoded.event();
      counts.merge(event.operation() + " " + event.eventType(), 1, Integer::sum);
      total++;
    }
  }

  synchronized int total() {
    return total;
  }

  synchronized int count(String operation, String eventType) {
    return counts.getOrDefault(operation + " " + eventType, 0);
  }

  @Override
  public synchronized String toString() {
    StringBuilder text = new StringBuilder();
    counts.forEach(
        (key, count) ->
            text.append(text.length() == 0 ? "" : ", ").append(count).append(' ').append(key));
    return text.toString();
  }
}
