package dev.streamll.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The hand-written encoder against the Jackson generator it replaced ({@link
 * JacksonReferenceEncoder}): the same bytes, or the same exception, for every event.
 */
class EventCodecEquivalenceTest {
  private static final int[] LIMITS = {1024, 6 * 1024, EventCodec.DEFAULT_MAX_PAYLOAD_BYTES};
  private static final EventCodec[] CODECS = new EventCodec[LIMITS.length];
  private static final JacksonReferenceEncoder[] REFERENCES =
      new JacksonReferenceEncoder[LIMITS.length];

  static {
    for (int i = 0; i < LIMITS.length; i++) {
      CODECS[i] = new EventCodec(LIMITS[i]);
      REFERENCES[i] = new JacksonReferenceEncoder(LIMITS[i]);
    }
  }

  record Pojo(String name, double score, List<Integer> counts) {}

  /** Jackson cannot serialize this (no properties), so it exercises the coercion path. */
  static final class Opaque {
    @Override
    public String toString() {
      return "opaque\u0001\"";
    }
  }

  // Jackson's parser rejects an unpaired surrogate escape, so round trips use well-formed text.
  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static Arbitrary<String> wellFormedStrings() {
    return strings().filter(EventCodecEquivalenceTest::wellFormed);
  }

  private static Arbitrary<String> strings() {
    Arbitrary<Character> special =
        Arbitraries.of(
            '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\u0080',
            '\u07ff', '\u0800', '\u2028', '\ud800', '\udbff', '\udc00', '\udfff', '\ufffe',
            '\uffff', 'é', '中');
    Arbitrary<String> mixed =
        Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(3),
                special.map(String::valueOf),
                Arbitraries.of("😀", "👍🏽", "𝄞", "\ud83d", "\ude00x", "x\ud83d"),
                Arbitraries.strings().all().ofMaxLength(6))
            .list()
            .ofMaxSize(8)
            .map(parts -> String.join("", parts));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.strings().alpha().numeric().ofMaxLength(40)),
        net.jqwik.api.Tuple.of(5, mixed),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("")),
        net.jqwik.api.Tuple.of(
            1, Arbitraries.strings().ascii().ofMinLength(1000).ofMaxLength(5000)),
        net.jqwik.api.Tuple.of(1, mixed.map(s -> s.repeat(300))));
  }

  private static Arbitrary<Double> doubles() {
    return Arbitraries.oneOf(
        Arbitraries.doubles(),
        Arbitraries.longs().map(Double::longBitsToDouble),
        Arbitraries.of(
            0.1,
            1e-7,
            1e-3,
            1e7,
            1e21,
            1e23,
            -0.0,
            0.0,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            123456.789));
  }

  private static Arbitrary<Object> leaves() {
    return Arbitraries.oneOf(
        strings().map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.oneOf(
                Arbitraries.longs(), Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L))
            .map(l -> (Object) l),
        doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(null),
        Arbitraries.floats().map(f -> (Object) f),
        Arbitraries.bigIntegers().map(b -> (Object) b),
        Arbitraries.of(new BigDecimal("1.50"), new BigDecimal("1E+3"), BigInteger.TEN)
            .map(b -> (Object) b),
        Arbitraries.of(Instant.parse("2026-11-25T16:31:42.123456789Z"), Optional.of("o")),
        Combinators.combine(strings(), doubles(), Arbitraries.integers().list().ofMaxSize(3))
            .as(Pojo::new)
            .map(p -> (Object) p),
        Arbitraries.of(Opaque.class).map(c -> (Object) new Opaque()));
  }

  private static Arbitrary<Object> values(int depth) {
    if (depth == 0) {
      return leaves();
    }
    Arbitrary<Object> inner = values(depth - 1);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, leaves()),
        net.jqwik.api.Tuple.of(1, inner.list().ofMaxSize(4).map(l -> (Object) l)),
        net.jqwik.api.Tuple.of(1, maps(inner).map(m -> (Object) m)));
  }

  private static Arbitrary<Map<String, Object>> maps(Arbitrary<Object> values) {
    return maps(strings(), values);
  }

  private static Arbitrary<Map<String, Object>> maps(
      Arbitrary<String> keyStrings, Arbitrary<Object> values) {
    return Combinators.combine(keyStrings.list().ofMaxSize(5), values.list().ofSize(5))
        .as(
            (keys, vals) -> {
              Map<String, Object> map = new LinkedHashMap<>();
              for (int i = 0; i < keys.size(); i++) {
                map.put(keys.get(i), vals.get(i));
              }
              return map;
            });
  }

  private static Arbitrary<Map<String, String>> tags(Arbitrary<String> text) {
    Arbitrary<String> values = text.injectNull(0.2);
    return Combinators.combine(text.list().ofMaxSize(4), values.list().ofSize(4))
        .as(
            (keys, vals) -> {
              Map<String, String> map = new LinkedHashMap<>();
              for (int i = 0; i < keys.size(); i++) {
                map.put(keys.get(i), vals.get(i));
              }
              return map;
            });
  }

  private static Arbitrary<Instant> instants() {
    return Arbitraries.oneOf(
        Combinators.combine(
                Arbitraries.longs().between(0, 253_402_300_799L),
                Arbitraries.integers().between(0, 999_999_999))
            .as(Instant::ofEpochSecond),
        Arbitraries.of(
            Instant.EPOCH,
            Instant.ofEpochSecond(-1, 5),
            Instant.ofEpochSecond(253_402_300_800L),
            Instant.parse("-0001-06-01T00:00:00Z")));
  }

  private static Arbitrary<StreamllEvent> events(
      Arbitrary<String> text, Arbitrary<Map<String, Object>> data) {
    Arbitrary<String> field = text.injectNull(0.2);
    Arbitrary<List<String>> fields = field.list().ofSize(12);
    return Combinators.combine(fields, instants(), data, tags(text))
        .as(
            (f, timestamp, d, t) ->
                StreamllEvent.builder()
                    .eventId(f.get(0))
                    .executionId(f.get(1))
                    .parentId(f.get(2))
                    .spanId(f.get(3))
                    .timestamp(timestamp)
                    .moduleName(f.get(4))
                    .methodName(f.get(5))
                    .operation(f.get(6))
                    .eventType(f.get(7))
                    .data(d)
                    .tags(t)
                    .moduleVersion(f.get(8))
                    .codeSignature(f.get(9))
                    .gitCommit(f.get(10))
                    .schemaVersion(f.get(11))
                    .build());
  }

  @Provide
  Arbitrary<StreamllEvent> anyEvent() {
    return events(strings(), maps(values(3)));
  }

  @Property(tries = 2000)
  void encodesTheSameBytesAsJackson(@ForAll("anyEvent") StreamllEvent event) {
    for (int i = 0; i < LIMITS.length; i++) {
      assertSameOutcome(CODECS[i], REFERENCES[i], event);
    }
  }

  private static void assertSameOutcome(
      EventCodec codec, JacksonReferenceEncoder reference, StreamllEvent event) {
    byte[] expected;
    try {
      expected = reference.encode(event);
    } catch (RuntimeException referenceFailure) {
      Class<? extends RuntimeException> type = referenceFailure.getClass();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.encode(event))
          .isInstanceOf(type);
      return;
    }
    byte[] actual = codec.encode(event);
    assertThat(new String(actual, StandardCharsets.UTF_8))
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(actual).isEqualTo(expected);
  }

  private static Arbitrary<Object> jsonLeaves() {
    return Arbitraries.oneOf(
        wellFormedStrings().map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs()
            .filter(l -> l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)
            .map(l -> (Object) l),
        doubles().filter(Double::isFinite).map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(null));
  }

  @Provide
  Arbitrary<StreamllEvent> jsonNativeEvent() {
    Arbitrary<Object> nested =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, jsonLeaves()),
            net.jqwik.api.Tuple.of(1, jsonLeaves().list().ofMaxSize(4).map(l -> (Object) l)),
            net.jqwik.api.Tuple.of(
                1, maps(wellFormedStrings(), jsonLeaves()).map(m -> (Object) m)));
    return events(wellFormedStrings(), maps(wellFormedStrings(), nested))
        .filter(e -> e.timestamp().getEpochSecond() >= 0)
        .filter(e -> CODECS[2].encode(e).length <= EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
  }

  @Property(tries = 1000)
  void decodeReadsBackWhatEncodeWrote(@ForAll("jsonNativeEvent") StreamllEvent event) {
    EventCodec codec = CODECS[2];
    StreamllEvent expected =
        event.toBuilder().timestamp(event.timestamp().truncatedTo(ChronoUnit.MICROS)).build();
    assertThat(codec.decode(codec.encode(event))).isEqualTo(expected);
  }

  @Test
  void nestingAsDeepAsJacksonAllowsIsWrittenAndDeeperFailsTheSameWay() {
    for (int depth = 990; depth <= 1000; depth++) {
      Object nested = "leaf";
      for (int i = 0; i < depth; i++) {
        nested = List.of(nested);
      }
      StreamllEvent event = StreamllEvent.builder().data("deep", nested).build();
      assertSameOutcome(CODECS[2], REFERENCES[2], event);
    }
  }

  @Test
  void aNullKeyFromTheCallersMapIsWrittenAsTheKeyNullInsteadOfLosingTheEvent() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(null, "v");
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(null, "t");
    StreamllEvent event = StreamllEvent.builder().data(data).tags(tags).build();
    assertSameOutcome(CODECS[2], REFERENCES[2], event);
    String json = CODECS[2].encodeToString(event);
    assertThat(json).contains("\"data\":{\"null\":\"v\"}").contains("\"tags\":{\"null\":\"t\"}");
  }

  @Test
  void concurrentEncodesSharingOneCodecEachGetTheirOwnEventsBytes() throws Exception {
    EventCodec codec = CODECS[2];
    List<StreamllEvent> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      events.add(
          StreamllEvent.builder()
              .data("token", "t" + i + "\n\"é😀")
              .data("index", i)
              .data("big", "x".repeat(i * 500))
              .build());
    }
    JacksonReferenceEncoder reference = REFERENCES[2];
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 20; round++) {
                    for (StreamllEvent event : events) {
                      assertThat(codec.encode(event)).isEqualTo(reference.encode(event));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
