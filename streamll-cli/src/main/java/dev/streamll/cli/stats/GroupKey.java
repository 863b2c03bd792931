package dev.streamll.cli.stats;

import dev.streamll.event.StreamllEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** One field events are grouped by in {@code streamll stats --by}. */
public enum GroupKey {
  MODULE("module", StreamllEvent::moduleName),
  OPERATION("operation", StreamllEvent::operation),
  METHOD("method", StreamllEvent::methodName),
  VERSION("version", StreamllEvent::moduleVersion);

  /** Shown for events without a value, e.g. spans of modules without version tracking. */
  public static final String NONE = "-";

  private final String label;
  private final Function<StreamllEvent, String> field;

  GroupKey(String label, Function<StreamllEvent, String> field) {
    this.label = label;
    this.field = field;
  }

  public String label() {
    return label;
  }

  String valueOf(StreamllEvent event) {
    String value = field.apply(event);
    return value == null || value.isEmpty() ? NONE : value;
  }

  /**
   * Parses {@code module}, {@code operation}, {@code module,version}, …
   *
   * @throws IllegalArgumentException naming the unknown key and the accepted ones
   */
  public static List<GroupKey> parseList(String text) {
    Set<GroupKey> keys = new LinkedHashSet<>();
    for (String part : text.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      GroupKey match = null;
      for (GroupKey key : values()) {
        if (key.label.equals(name)) {
          match = key;
        }
      }
      if (match == null) {
        throw new IllegalArgumentException(
            "cannot group by '"
                + part.trim()
                + "': use module, operation, method or version, or a comma-separated list such"
                + " as module,version");
      }
      keys.add(match);
    }
    return new ArrayList<>(keys);
  }
}
