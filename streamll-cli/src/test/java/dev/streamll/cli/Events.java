package dev.streamll.cli;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.Journal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds spans of events and appends them to a journal as an application would. */
final class Events {
  static final EventCodec CODEC = new EventCodec();

  private final Journal journal;
  private Instant clock;

  Events(Journal journal, Instant start) {
    this.journal = journal;
    this.clock = start;
  }

  /** A finished span of {@code module}: start, {@code tokens} token events, end or error. */
  List<StreamllEvent> span(
      String module,
      String version,
      double seconds,
      boolean error,
      int tokens,
      Map<String, ?> data) {
    List<StreamllEvent> events = new ArrayList<>();
    String span = dev.streamll.event.EventIds.newId();
    StreamllEvent.Builder base =
        StreamllEvent.builder()
            .executionId(span)
            .spanId(span)
            .moduleName(module)
            .methodName("call")
            .operation("llm_call")
            .moduleVersion(version);
    Instant started = clock;
    events.add(base.eventType("start").timestamp(started).eventId(null).build());
    for (int i = 0; i < tokens; i++) {
      events.add(
          base.eventType("token")
              .eventId(null)
              .timestamp(started.plusMillis(100 + i))
              .data(Map.of("token", "t" + i + " "))
              .build());
    }
    StreamllEvent.Builder last =
        StreamllEvent.builder()
            .executionId(span)
            .spanId(span)
            .moduleName(module)
            .methodName("call")
            .operation("llm_call")
            .moduleVersion(version)
            .timestamp(started.plusNanos((long) (seconds * 1e9)))
            .eventType(error ? "error" : "end")
            .data("duration_seconds", seconds)
            .data(data);
    if (error) {
      last.data("error_type", "java.io.IOException").data("error_message", "boom");
    }
    events.add(last.build());
    clock = clock.plusSeconds(1);
    append(events);
    return events;
  }

  void append(List<StreamllEvent> events) {
    for (StreamllEvent event : events) {
      journal.append(CODEC.encode(event), event.timestamp().toEpochMilli() * 1000);
    }
    journal.commit();
  }
}
