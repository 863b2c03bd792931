package dev.streamll.redis.processor;

/** What happens to a source entry once it is acknowledged. */
public enum AckRetention {
  /** {@code XACK} then {@code XDEL} in the same pipeline: the stream holds only unfinished work. */
  DELETE,
  /**
   * {@code XACK} only; a periodic {@code XTRIM MINID ~} removes entries older than what every
   * consumer group of the stream still needs (its oldest pending entry and its undelivered
   * entries). Suits streams read by several groups.
   */
  TRIM,
  /** {@code XACK} only; the stream's growth is the caller's business. */
  KEEP
}
