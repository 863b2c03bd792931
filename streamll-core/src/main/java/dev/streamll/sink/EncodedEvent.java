package dev.streamll.sink;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import java.nio.charset.StandardCharsets;

/**
 * An event as stored in the journal: its sequence and its wire JSON, with the decoded {@link
 * StreamllEvent} computed on first use. Sinks that only move bytes never pay for decoding; sinks
 * that route by field decode once per forwarder.
 */
public final class EncodedEvent {
  private final long sequence;
  private final byte[] json;
  private final EventCodec codec;
  private StreamllEvent event;

  public EncodedEvent(long sequence, byte[] json, EventCodec codec) {
    this.sequence = sequence;
    this.json = json;
    this.codec = codec;
  }

  /** Creates one from an event, encoding it now; for tests and replay tools. */
  public static EncodedEvent of(long sequence, StreamllEvent event, EventCodec codec) {
    EncodedEvent encoded = new EncodedEvent(sequence, codec.encode(event), codec);
    encoded.event = event;
    return encoded;
  }

  /** The journal sequence, or the position in its source for events read from elsewhere. */
  public long sequence() {
    return sequence;
  }

  /** The wire JSON (UTF-8). Do not modify the array. */
  public byte[] json() {
    return json;
  }

  public String jsonString() {
    return new String(json, StandardCharsets.UTF_8);
  }

  /**
   * The decoded event.
   *
   * @throws IllegalArgumentException if the stored bytes are not a valid event
   */
  public StreamllEvent event() {
    StreamllEvent decoded = event;
    if (decoded == null) {
      decoded = codec.decode(json);
      event = decoded;
    }
    return decoded;
  }

  @Override
  public String toString() {
    return "EncodedEvent[" + sequence + ", " + json.length + " bytes]";
  }
}
