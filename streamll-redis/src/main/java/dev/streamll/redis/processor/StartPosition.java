package dev.streamll.redis.processor;

/** Where a consumer group starts reading when the processor has to create it. */
public enum StartPosition {
  /** Every entry already in the stream ({@code XGROUP CREATE … 0}). */
  OLDEST,
  /** Only entries added after the group was created ({@code XGROUP CREATE … $}). */
  LATEST
}
