package dev.streamll.cli;

import dev.streamll.event.StreamllEvent;
import java.time.Instant;
import java.util.Set;

/**
 * Which events a command looks at: by type, by module and from a point in time. Empty sets and a
 * null {@code since} select everything.
 */
record EventSelection(Set<String> types, Set<String> modules, Instant since) {

  EventSelection {
    types = Set.copyOf(types);
    modules = Set.copyOf(modules);
  }

  /** Whether {@link #test} needs the decoded event (false: raw bytes can pass through as-is). */
  boolean filters() {
    return !types.isEmpty() || !modules.isEmpty() || since != null;
  }

  boolean test(StreamllEvent event) {
    return (types.isEmpty() || types.contains(event.eventType()))
        && (modules.isEmpty() || modules.contains(event.moduleName()))
        && (since == null || !event.timestamp().isBefore(since));
  }
}
