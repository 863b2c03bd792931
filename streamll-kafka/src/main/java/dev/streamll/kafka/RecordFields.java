package dev.streamll.kafka;

import dev.streamll.event.TopLevelFields;

/**
 * The four top-level fields a Kafka record needs besides its value ({@code execution_id} for the
 * key; {@code event_type}, {@code module_name}, {@code schema_version} for headers), read from the
 * wire JSON by {@link TopLevelFields}, a byte scan that skips {@code data} and {@code tags} instead
 * of decoding the whole event: the forwarder hands the sink journal bytes, and most of an event's
 * size is payload. A name given twice: the first occurrence decides.
 */
record RecordFields(byte[] executionId, byte[] eventType, byte[] moduleName, byte[] schemaVersion) {
  private static final TopLevelFields FIELDS =
      TopLevelFields.of("execution_id", "event_type", "module_name", "schema_version");

  /**
   * Extracts the fields from {@code json} as UTF-8 text; a field that is absent or not a string is
   * null.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object
   */
  static RecordFields of(byte[] json) {
    byte[][] values = FIELDS.utf8(json);
    return new RecordFields(values[0], values[1], values[2], values[3]);
  }
}
