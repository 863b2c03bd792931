package dev.streamll.kafka.examples;

import dev.streamll.event.StreamllEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rebuilds execution trees from events as a Kafka consumer receives them (docs/sinks/kafka.md,
 * "Rebuilding an execution tree"). Events of one execution share a key, so they arrive in order on
 * one partition; a tree is complete when its root span's {@code end} or {@code error} arrives.
 * Duplicates (at-least-once delivery) are dropped by {@code event_id}.
 */
public final class ExecutionTrees {

  /** One span: its events in order and the spans opened inside it. */
  public record SpanNode(
      String spanId, String operation, List<StreamllEvent> events, List<SpanNode> children) {

    /** The span's duration from its end event, or -1 while it is open. */
    public double durationSeconds() {
      for (StreamllEvent event : events) {
        Object duration = event.data().get("duration_seconds");
        if (duration instanceof Number number) {
          return number.doubleValue();
        }
      }
      return -1;
    }

    /** Renders the tree, one span per line, indented by depth. */
    public String render() {
      StringBuilder out = new StringBuilder();
      render(out, 0);
      return out.toString();
    }

    private void render(StringBuilder out, int depth) {
      out.append("  ".repeat(depth))
          .append(operation)
          .append(" (")
          .append(events.size())
          .append(" events")
          .append(durationSeconds() >= 0 ? String.format(", %.3f s", durationSeconds()) : "")
          .append(")\n");
      children.forEach(child -> child.render(out, depth + 1));
    }
  }

  private final Map<String, List<StreamllEvent>> pending = new HashMap<>();
  private final Set<String> seen = new HashSet<>();

  /**
   * Adds an event; returns the execution's tree once its root span has ended.
   *
   * @return the root of the completed tree, or empty while the execution is still running
   */
  public Optional<SpanNode> accept(StreamllEvent event) {
    if (!seen.add(event.eventId())) {
      return Optional.empty();
    }
    List<StreamllEvent> events =
        pending.computeIfAbsent(event.executionId(), id -> new ArrayList<>());
    events.add(event);
    boolean rootClosed =
        event.parentId() == null
            && (event.eventType().equals("end") || event.eventType().equals("error"));
    if (!rootClosed) {
      return Optional.empty();
    }
    pending.remove(event.executionId());
    events.forEach(e -> seen.remove(e.eventId()));
    return Optional.of(build(events, event.spanId()));
  }

  private static SpanNode build(List<StreamllEvent> events, String rootSpanId) {
    Map<String, SpanNode> spans = new LinkedHashMap<>();
    Map<String, String> parentOf = new HashMap<>();
    for (StreamllEvent event : events) {
      spans
          .computeIfAbsent(
              event.spanId(),
              id -> new SpanNode(id, event.operation(), new ArrayList<>(), new ArrayList<>()))
          .events()
          .add(event);
      if (event.parentId() != null) {
        parentOf.putIfAbsent(event.spanId(), event.parentId());
      }
    }
    parentOf.forEach(
        (child, parent) -> {
          SpanNode parentNode = spans.get(parent);
          if (parentNode != null) {
            parentNode.children().add(spans.get(child));
          }
        });
    return spans.get(rootSpanId);
  }
}
