package dev.streamll.forward;

import dev.streamll.event.StreamllEvent;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Chooses which events a sink receives, e.g. only errors for an alerts sink. Events a filter
 * rejects still advance that sink's cursor: they are skipped, not pending.
 */
@FunctionalInterface
public interface EventFilter extends Predicate<StreamllEvent> {

  EventFilter ALL = event -> true;

  static EventFilter all() {
    return ALL;
  }

  /** Events whose {@code event_type} is one of {@code types}. */
  static EventFilter eventTypes(String... types) {
    Set<String> set = Set.copyOf(Arrays.asList(types));
    return event -> set.contains(event.eventType());
  }

  /** Events whose {@code module_name} is one of {@code modules}. */
  static EventFilter modules(String... modules) {
    Set<String> set = Set.copyOf(Arrays.asList(modules));
    return event -> set.contains(event.moduleName());
  }

  /** Events whose {@code operation} is one of {@code operations}. */
  static EventFilter operations(String... operations) {
    Set<String> set = Set.copyOf(Arrays.asList(operations));
    return event -> set.contains(event.operation());
  }

  static EventFilter of(Predicate<StreamllEvent> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return predicate::test;
  }

  default EventFilter and(EventFilter other) {
    return event -> test(event) && other.test(event);
  }
}
