package dev.streamll.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopLevelFieldsTest {
  private static final TopLevelFields KAFKA =
      TopLevelFields.of("execution_id", "event_type", "module_name", "schema_version");
  private static final TopLevelFields LABELS = TopLevelFields.of("module_name", "event_type");

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static StreamllEvent event() {
    return StreamllEvent.builder()
        .executionId("run-1")
        .timestamp(Instant.parse("2026-11-25T16:31:42.123456Z"))
        .moduleName("ChatBot")
        .methodName("ask")
        .operation("llm_call")
        .eventType("token")
        .data("text", "lorem ipsum \"module_name\":\"evil\" dolor ".repeat(10))
        .data("nested", Map.of("module_name", "nested", "list", List.of(1, Map.of("a", "]}"))))
        .tag("event_type", "tagged")
        .build();
  }

  @Test
  void readsTheFieldsOfAnEncodedEvent() {
    byte[] json = new EventCodec().encode(event());
    assertThat(KAFKA.strings(json)).containsExactly("run-1", "token", "ChatBot", "1.0");
    byte[][] bytes = KAFKA.utf8(json);
    assertThat(bytes[0]).isEqualTo(utf8("run-1"));
    assertThat(bytes[1]).isEqualTo(utf8("token"));
    assertThat(bytes[2]).isEqualTo(utf8("ChatBot"));
    assertThat(bytes[3]).isEqualTo(utf8("1.0"));
    assertThat(KAFKA.names())
        .containsExactly("execution_id", "event_type", "module_name", "schema_version");
  }

  @Test
  void unescapesValuesAsAJsonParserDoes() {
    String json =
        "{\"module_name\":\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\\u00e9\\u4E2D\\ud83d\\ude00 é中😀\","
            + "\"event_type\":\"lone \\ud800 surrogate\"}";
    String[] values = LABELS.strings(utf8(json));
    assertThat(values[0]).isEqualTo("a\"b\\c/d\n\t\r\b\fé中😀 é中😀");
    assertThat(values[1]).isEqualTo("lone \ud800 surrogate");
    byte[][] bytes = LABELS.utf8(utf8(json));
    assertThat(bytes[0]).isEqualTo(utf8(values[0]));
    // A lone surrogate has no UTF-8 form: the bytes are what String.getBytes gives ('?').
    assertThat(bytes[1]).isEqualTo(utf8("lone ? surrogate"));
  }

  @Test
  void rawUtf8ValuesAreCopiedAsTheyAre() {
    byte[] json = utf8("{\"module_name\":\"Modül 中 😀\",\"event_type\":\"\"}");
    assertThat(LABELS.strings(json)).containsExactly("Modül 中 😀", "");
    assertThat(LABELS.utf8(json)[0]).isEqualTo(utf8("Modül 中 😀"));
    assertThat(LABELS.utf8(json)[1]).isEmpty();
  }

  /** The scan tests eight bytes at a time: put every special byte at every offset of a word. */
  @Test
  void findsQuotesEscapesAndControlCharactersAtEveryOffset() {
    for (int length = 0; length < 40; length++) {
      for (String filler : List.of("a", "é", "😀")) {
        String text = filler.repeat(length);
        for (int cut = 0; cut <= length; cut++) {
          String before = filler.repeat(cut);
          String after = filler.repeat(length - cut);
          String json =
              "{\"event_type\":\""
                  + before
                  + "\\\""
                  + after
                  + "\",\"module_name\":\""
                  + text
                  + "\"}";
          assertThat(LABELS.strings(utf8(json)))
              .as(json)
              .containsExactly(text, before + "\"" + after);
          String raw = "{\"module_name\":\"" + before + "\u0001" + after + "\"}";
          assertThatThrownBy(() -> LABELS.strings(utf8(raw)))
              .as(raw)
              .hasMessageContaining("control character");
        }
      }
    }
  }

  @Test
  void isNotFooledByNamesInsideStringsOrNestedValues() {
    String json =
        "{\"data\":{\"module_name\":\"nested\",\"deeper\":[{\"event_type\":\"x\"}]},"
            + "\"text\":\"\\\"module_name\\\":\\\"in a string\\\"\","
            + "\"tags\":{\"event_type\":\"tag\"},"
            + "\"list\":[\"module_name\",\"event_type\"],"
            + "\"module_name\":\"real\",\"event_type\":\"real-type\"}";
    assertThat(LABELS.strings(utf8(json))).containsExactly("real", "real-type");
  }

  @Test
  void acceptsWhitespaceAndAnyFieldOrder() {
    String json =
        " \r\n\t{ \"schema_version\" :\n\"1.0\" ,\n  \"data\" : { \"a\" : [ 1 , 2 ] } ,"
            + "\t\"module_name\"\t:\t\"m\"\r\n,\"execution_id\": \"e\" , \"event_type\":\"t\"\n}\n";
    assertThat(KAFKA.strings(utf8(json))).containsExactly("e", "t", "m", "1.0");
    assertThat(LABELS.strings(utf8(json))).containsExactly("m", "t");
  }

  @Test
  void nonStringValuesAndMissingFieldsAreAbsent() {
    for (String value :
        List.of(
            "null", "42", "-0.5e+10", "true", "false", "{\"a\":\"b\"}", "[\"x\"]", "{}", "[]")) {
      String json = "{\"module_name\":" + value + ",\"schema_version\":\"1.0\"}";
      assertThat(KAFKA.strings(utf8(json))).as(json).containsExactly(null, null, null, "1.0");
      assertThat(KAFKA.utf8(utf8(json))[2]).as(json).isNull();
    }
    assertThat(LABELS.strings(utf8("{}"))).containsExactly(null, null);
    assertThat(LABELS.strings(utf8("{ }"))).containsExactly(null, null);
  }

  @Test
  void theFirstOccurrenceOfANameDecides() {
    assertThat(LABELS.strings(utf8("{\"module_name\":\"a\",\"module_name\":\"b\"}")))
        .containsExactly("a", null);
    assertThat(LABELS.strings(utf8("{\"module_name\":null,\"module_name\":\"b\"}")))
        .containsExactly(null, null);
  }

  @Test
  void matchesEscapedFieldNames() {
    assertThat(LABELS.strings(utf8("{\"module\\u005fname\":\"m\",\"event\\u005Ftype\":\"t\"}")))
        .containsExactly("m", "t");
    assertThat(LABELS.strings(utf8("{\"module\\u005fnam\":\"m\"}"))).containsExactly(null, null);
  }

  @Test
  void stopsOnceEveryRequestedFieldIsFound() {
    byte[] json = utf8("{\"module_name\":\"m\",\"event_type\":\"t\", this is not read");
    assertThat(LABELS.strings(json)).containsExactly("m", "t");
    assertThatThrownBy(() -> KAFKA.strings(json)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWhatIsNotAJsonObject() {
    for (String json :
        List.of("", " ", "[1]", "\"s\"", "1", "null", "x{}", "}", "\ufeff[]", "{\"a\"}")) {
      assertThatThrownBy(() -> LABELS.strings(utf8(json)))
          .as(json)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(LABELS.strings(utf8("\ufeff{\"module_name\":\"bom\"}")))
        .containsExactly("bom", null);
  }

  @Test
  void rejectsMalformedObjects() {
    for (String json :
        List.of(
            "{\"a\":1,}",
            "{,\"a\":1}",
            "{\"a\" 1}",
            "{a:1}",
            "{'a':1}",
            "{\"a\":tru}",
            "{\"a\":nul,\"module_name\":\"m\"}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":-}",
            "{\"a\":1e}",
            "{\"a\":+1}",
            "{\"a\":.5}",
            "{\"a\":\"x\" \"b\":1}",
            "{\"a\":\"bad \\x escape\"}",
            "{\"a\":\"bad \\u12G4 escape\"}",
            "{\"a\":\"raw \n newline\"}",
            "{\"a\":[1,2},\"module_name\":\"m\"}",
            "{\"a\":{\"b\":1]}",
            "{\"a\":[}",
            "{\"a\":}",
            "{\"a\":1 \"module_name\":\"m\"}")) {
      assertThatThrownBy(() -> LABELS.strings(utf8(json)))
          .as(json)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void everyTruncationThrowsIllegalArgumentOrGivesTheFullResult() {
    byte[] json = new EventCodec().encode(event());
    for (TopLevelFields fields : List.of(LABELS, KAFKA, TopLevelFields.of("git_commit"))) {
      List<String> full = java.util.Arrays.asList(fields.strings(json));
      for (int length = 0; length < json.length; length++) {
        byte[] prefix = java.util.Arrays.copyOf(json, length);
        try {
          assertThat(java.util.Arrays.asList(fields.strings(prefix)))
              .as("prefix %d", length)
              .isEqualTo(full);
        } catch (IllegalArgumentException expected) {
          assertThat(expected).hasMessageContaining("event JSON");
        }
      }
    }
  }

  @Test
  void skipsDeepNestingIterativelyAndChecksItsBrackets() {
    int depth = 100_000;
    String open = "[{\"k\":".repeat(depth);
    String close = "}]".repeat(depth);
    String json = "{\"data\":" + open + "1" + close + ",\"module_name\":\"deep\"}";
    assertThat(LABELS.strings(utf8(json))).containsExactly("deep", null);

    String innermost = "{\"data\":" + open + "1]" + close.substring(1) + "}";
    String outermost = "{\"data\":" + open + "1" + close.substring(2) + "]]}";
    for (String mismatched : List.of(innermost, outermost)) {
      assertThatThrownBy(() -> LABELS.strings(utf8(mismatched)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("mismatched");
    }
  }

  @Test
  void rejectsBadNameLists() {
    assertThatThrownBy(TopLevelFields::of).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TopLevelFields.of("a", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TopLevelFields.of("a", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TopLevelFields.of("a", "b", "a"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
