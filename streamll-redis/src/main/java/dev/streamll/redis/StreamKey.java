package dev.streamll.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stream key an event goes to: a fixed key, or a template with {@code {module_name}} and {@code
 * {event_type}} filled in per event ({@code llm:{module_name}} → {@code llm:ChatBot}). Not
 * thread-safe: each sink owns one.
 */
final class StreamKey {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
  // Distinct module × type pairs are few in practice; the cap only guards against unbounded names.
  private static final int CACHE_LIMIT = 4096;

  private final String template;
  private final byte[] fixed;
  private final Map<String, byte[]> cache = new HashMap<>();

  private StreamKey(String template, boolean templated) {
    this.template = template;
    this.fixed = templated ? null : template.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a key or template.
   *
   * @throws IllegalArgumentException for a placeholder other than {@code {module_name}} or {@code
   *     {event_type}}, naming the option {@code stream}
   */
  static StreamKey parse(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    boolean templated = false;
    while (m.find()) {
      String name = m.group(1);
      if (!name.equals("module_name") && !name.equals("event_type")) {
        throw new IllegalArgumentException(
            "option 'stream' = '"
                + template
                + "' has an unknown placeholder {"
                + name
                + "}; only {module_name} and {event_type} are supported");
      }
      templated = true;
    }
    return new StreamKey(template, templated);
  }

  String template() {
    return template;
  }

  boolean isTemplate() {
    return fixed == null;
  }

  /** The fixed key; only for keys without placeholders. */
  String fixedKey() {
    if (fixed == null) {
      throw new IllegalStateException("stream key '" + template + "' is a template");
    }
    return template;
  }

  /** The key for an event with these labels (UTF-8). */
  byte[] keyFor(byte[] moduleName, byte[] eventType) {
    if (fixed != null) {
      return fixed;
    }
    return keyFor(
        new String(moduleName, StandardCharsets.UTF_8),
        new String(eventType, StandardCharsets.UTF_8));
  }

  byte[] keyFor(String moduleName, String eventType) {
    if (fixed != null) {
      return fixed;
    }
    String cacheKey = moduleName + '\u0000' + eventType;
    byte[] key = cache.get(cacheKey);
    if (key == null) {
      Matcher m = PLACEHOLDER.matcher(template);
      StringBuilder text = new StringBuilder(template.length() + 32);
      while (m.find()) {
        String value = m.group(1).equals("module_name") ? moduleName : eventType;
        m.appendReplacement(text, Matcher.quoteReplacement(value));
      }
      m.appendTail(text);
      key = text.toString().getBytes(StandardCharsets.UTF_8);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(cacheKey, key);
    }
    return key;
  }
}
