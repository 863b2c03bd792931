package dev.streamll.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link TopLevelFields} against Jackson's tree model on random events and random JSON objects
 * (field order, whitespace, escapes, non-string values, decoy names in nested values and strings).
 * Top-level names are never repeated here, the one case where the two differ by design.
 */
class TopLevelFieldsDifferentialTest {
  private static final List<String> NAMES =
      List.of("execution_id", "event_type", "module_name", "schema_version");
  private static final TopLevelFields FIELDS = TopLevelFields.of(NAMES.toArray(String[]::new));
  private static final String[] SAMPLES = {
    "a",
    "Z",
    "0",
    " ",
    "\"",
    "\\",
    "/",
    "\u0000",
    "\n",
    "\u001f",
    "\u007f",
    "é",
    "ß",
    "中",
    "\u2028",
    "\uffff",
    "😀",
    "𝄞",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "module_name",
    "\"event_type\":\"x\""
  };
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void agreesWithJacksonOnEncodedEvents() throws IOException {
    EventCodec codec = new EventCodec();
    for (int seed = 0; seed < 3_000; seed++) {
      Random random = new Random(seed);
      Map<String, Object> data = new LinkedHashMap<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        data.put(randomName(random), randomString(random, false));
      }
      Map<String, String> tags = new LinkedHashMap<>();
      for (int i = random.nextInt(3); i > 0; i--) {
        tags.put(randomName(random), randomString(random, false));
      }
      StreamllEvent event =
          StreamllEvent.builder()
              .executionId(randomString(random, false))
              .moduleName(randomString(random, false))
              .methodName(randomString(random, false))
              .eventType(randomString(random, false))
              .data(data)
              .tags(tags)
              .schemaVersion(random.nextBoolean() ? "1.0" : randomString(random, false))
              .build();
      assertAgrees(codec.encode(event), "event seed " + seed);
    }
  }

  @Test
  void agreesWithJacksonOnRandomObjects() throws IOException {
    for (int seed = 0; seed < 20_000; seed++) {
      Random random = new Random(seed);
      byte[] json = randomObject(random).getBytes(StandardCharsets.UTF_8);
      assertAgrees(json, "object seed " + seed);
      byte[] prefix = Arrays.copyOf(json, random.nextInt(json.length));
      try {
        assertThat(FIELDS.strings(prefix))
            .as("prefix of object seed %d", seed)
            .containsExactly(FIELDS.strings(json));
      } catch (IllegalArgumentException expected) {
        assertThat(expected).hasMessageContaining("event JSON");
      }
    }
  }

  private void assertAgrees(byte[] json, String description) throws IOException {
    JsonNode tree = mapper.readTree(json);
    String[] strings = FIELDS.strings(json);
    byte[][] bytes = FIELDS.utf8(json);
    for (int i = 0; i < NAMES.size(); i++) {
      JsonNode node = tree.get(NAMES.get(i));
      String expected = node != null && node.isTextual() ? node.textValue() : null;
      assertThat(strings[i]).as("%s: %s", description, NAMES.get(i)).isEqualTo(expected);
      assertThat(bytes[i])
          .as("%s: %s bytes", description, NAMES.get(i))
          .isEqualTo(expected == null ? null : expected.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A top-level object with unique names, in random order, spaced and escaped at random. */
  private static String randomObject(Random random) {
    List<String> names = new ArrayList<>();
    for (String name : NAMES) {
      if (random.nextInt(5) > 0) {
        names.add(name);
      }
    }
    Set<String> used = new HashSet<>(names);
    for (int i = random.nextInt(5); i > 0; i--) {
      String name = random.nextBoolean() ? randomString(random, false) : randomName(random);
      if (used.add(name)) {
        names.add(name);
      }
    }
    Collections.shuffle(names, random);
    StringBuilder json = new StringBuilder();
    space(json, random);
    json.append('{');
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      space(json, random);
      string(json, names.get(i), random);
      space(json, random);
      json.append(':');
      space(json, random);
      if (NAMES.contains(names.get(i)) && random.nextInt(4) > 0) {
        string(json, randomString(random, true), random);
      } else {
        value(json, random, 0);
      }
      space(json, random);
    }
    if (names.isEmpty()) {
      space(json, random);
    }
    json.append('}');
    space(json, random);
    return json.toString();
  }

  private static void value(StringBuilder json, Random random, int depth) {
    int kind = random.nextInt(depth < 3 ? 8 : 6);
    switch (kind) {
      case 0:
        json.append("null");
        break;
      case 1:
        json.append(random.nextBoolean());
        break;
      case 2:
        json.append(random.nextInt(2_000_001) - 1_000_000);
        break;
      case 3:
        json.append(random.nextBoolean() ? "-" : "")
            .append(random.nextInt(100))
            .append('.')
            .append(random.nextInt(1000))
            .append(random.nextBoolean() ? "e" : "E+")
            .append(random.nextInt(20));
        break;
      case 4:
      case 5:
        string(json, randomString(random, true), random);
        break;
      case 6:
        json.append('{');
        for (int i = random.nextInt(4); i > 0; i--) {
          space(json, random);
          string(
              json,
              random.nextBoolean() ? randomName(random) : randomString(random, false),
              random);
          json.append(':');
          space(json, random);
          value(json, random, depth + 1);
          json.append(i > 1 ? "," : "");
        }
        json.append('}');
        break;
      default:
        json.append('[');
        for (int i = random.nextInt(4); i > 0; i--) {
          space(json, random);
          value(json, random, depth + 1);
          json.append(i > 1 ? "," : "");
        }
        json.append(']');
        break;
    }
  }

  private static String randomName(Random random) {
    return random.nextInt(3) == 0 ? "data" : NAMES.get(random.nextInt(NAMES.size()));
  }

  /**
   * Random text; with {@code loneSurrogates}, sometimes half of a surrogate pair on its own (only
   * for values: Jackson rejects an escaped lone surrogate in a name).
   */
  private static String randomString(Random random, boolean loneSurrogates) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      if (loneSurrogates && random.nextInt(40) == 0) {
        text.append(random.nextBoolean() ? '\ud83d' : '\ude00');
      } else if (random.nextInt(3) == 0) {
        text.append((char) (' ' + random.nextInt(95)));
      } else {
        text.append(SAMPLES[random.nextInt(SAMPLES.length)]);
      }
    }
    return text.toString();
  }

  private static void space(StringBuilder json, Random random) {
    for (int i = random.nextInt(4) == 0 ? random.nextInt(3) + 1 : 0; i > 0; i--) {
      json.append(" \t\n\r".charAt(random.nextInt(4)));
    }
  }

  /**
   * Writes {@code text} as a JSON string, escaping what must be escaped and, at random, other
   * characters too (short escapes, {@code \\uXXXX}, {@code \\/}). A surrogate is written raw only
   * as part of a pair, so the UTF-8 form of the document is exact.
   */
  private static void string(StringBuilder json, String text, Random random) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair && random.nextBoolean()) {
        json.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c) || random.nextInt(10) == 0) {
        json.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
      } else if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c == '/' && random.nextBoolean()) {
        json.append("\\/");
      } else if (c < 0x20) {
        int shortForm = "\b\f\n\r\t".indexOf(c);
        json.append(
            shortForm >= 0 ? "\\" + "bfnrt".charAt(shortForm) : String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    json.append('"');
  }
}
