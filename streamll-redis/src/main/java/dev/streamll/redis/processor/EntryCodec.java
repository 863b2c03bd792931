package dev.streamll.redis.processor;

import java.util.Map;

/**
 * Turns a value into the fields of a stream entry and back.
 *
 * <p>{@link #decode} may throw any runtime exception; the processor sends an entry it cannot decode
 * straight to the dead-letter stream with the exception's message, without calling the handler.
 */
public interface EntryCodec<T> {

  /** The fields of a new entry for {@code value}; field names must not start with {@code dlq_}. */
  Map<String, String> encode(T value);

  /** The value carried by an entry's fields. */
  T decode(Map<String, String> fields);
}
