package dev.streamll.rabbitmq;

import dev.streamll.event.StreamllEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A routing key such as {@code {module_name}.{event_type}} filled in per event. Dots inside a value
 * become underscores, so module {@code chat.v2} yields {@code chat_v2.error} and a binding like
 * {@code *.error} still sees two words. Keys are cut to AMQP's 255-byte limit: a longer key would
 * close the channel on every retry and stall the sink.
 */
final class RoutingKeyTemplate {
  static final String DEFAULT = "{module_name}.{event_type}";
  private static final int MAX_BYTES = 255;

  private static final Map<String, Function<StreamllEvent, String>> FIELDS =
      Map.of(
          "module_name", StreamllEvent::moduleName,
          "event_type", StreamllEvent::eventType,
          "operation", StreamllEvent::operation,
          "method_name", StreamllEvent::methodName,
          "execution_id", StreamllEvent::executionId);

  /** A literal (field null) or a placeholder (field set). */
  private record Part(String literal, Function<StreamllEvent, String> field) {}

  private final String template;
  private final List<Part> parts;

  private RoutingKeyTemplate(String template, List<Part> parts) {
    this.template = template;
    this.parts = List.copyOf(parts);
  }

  /**
   * Parses {@code template}.
   *
   * @throws IllegalArgumentException naming option {@code routing_key} and the allowed placeholders
   */
  static RoutingKeyTemplate parse(String template) {
    if (template.isEmpty()) {
      throw invalid(template, "it is empty");
    }
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = template.indexOf('}', i);
      if (close >= 0 && (open < 0 || close < open)) {
        throw invalid(template, "'}' at position " + close + " has no matching '{'");
      }
      if (open < 0) {
        parts.add(new Part(template.substring(i), null));
        break;
      }
      if (open > i) {
        parts.add(new Part(template.substring(i, open), null));
      }
      if (close < 0) {
        throw invalid(template, "'{' at position " + open + " is not closed");
      }
      String name = template.substring(open + 1, close);
      Function<StreamllEvent, String> field = FIELDS.get(name);
      if (field == null) {
        throw invalid(template, "{" + name + "} is not a known placeholder");
      }
      parts.add(new Part(null, field));
      i = close + 1;
    }
    return new RoutingKeyTemplate(template, parts);
  }

  private static IllegalArgumentException invalid(String template, String why) {
    return new IllegalArgumentException(
        "option 'routing_key' ('"
            + template
            + "') is invalid: "
            + why
            + "; use literal text and the placeholders {module_name}, {event_type}, {operation},"
            + " {method_name}, {execution_id}; in a URL write the braces as %7B and %7D, e.g."
            + " routing_key=%7Bmodule_name%7D.%7Bevent_type%7D");
  }

  String render(StreamllEvent event) {
    StringBuilder key = new StringBuilder(64);
    for (Part part : parts) {
      if (part.field == null) {
        key.append(part.literal);
      } else {
        key.append(part.field.apply(event).replace('.', '_'));
      }
    }
    return truncate(key.toString());
  }

  private static String truncate(String key) {
    if (key.length() * 3 <= MAX_BYTES || key.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
      return key;
    }
    int bytes = 0;
    int end = 0;
    while (end < key.length()) {
      int codePoint = key.codePointAt(end);
      int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_BYTES) {
        break;
      }
      bytes += size;
      end += Character.charCount(codePoint);
    }
    return key.substring(0, end);
  }

  @Override
  public String toString() {
    return template;
  }
}
