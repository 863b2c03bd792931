package dev.streamll.bench.journal;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options of the journal harnesses. */
final class Args {
  private final Map<String, String> values = new HashMap<>();

  Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "expected '--option value' pairs, got '" + args[i] + "'");
      }
      values.put(args[i].substring(2), args[++i]);
    }
  }

  long number(String name, long fallback) {
    String value = values.get(name);
    return value == null ? fallback : Long.parseLong(value.replace("_", ""));
  }

  long[] numbers(String name, long... fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    String[] parts = value.split(",");
    long[] result = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      result[i] = Long.parseLong(parts[i].trim().replace("_", ""));
    }
    return result;
  }

  String text(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }
}
