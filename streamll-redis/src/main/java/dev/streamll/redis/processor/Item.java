package dev.streamll.redis.processor;

import java.util.Map;

/** One entry handed to an {@link EntryHandler}. */
public final class Item<T> {

  /** Receives the progress a handler reports. */
  interface ProgressListener {
    void progress(String entryId, long attempt, double ratio, String status);
  }

  private final String id;
  private final T payload;
  private final long attempt;
  private final Map<String, String> fields;
  private final ProgressListener listener;

  Item(String id, T payload, long attempt, Map<String, String> fields, ProgressListener listener) {
    this.id = id;
    this.payload = payload;
    this.attempt = attempt;
    this.fields = fields;
    this.listener = listener;
  }

  /** The entry id in the source stream, e.g. {@code 1732550000000-0}. */
  public String id() {
    return id;
  }

  /** The decoded payload. */
  public T payload() {
    return payload;
  }

  /**
   * Which attempt this is, from Redis' delivery count: 1 for the first delivery, higher after
   * retries and after entries were reclaimed from a consumer that died.
   */
  public long attempt() {
    return attempt;
  }

  /** The entry's raw fields. */
  public Map<String, String> fields() {
    return fields;
  }

  /**
   * Reports progress; written to the events stream (when events are enabled) in order with the
   * entry's started and completed events when called from the handler's thread.
   *
   * @param ratio between 0 and 1
   * @param status a short human-readable status, may be empty
   */
  public void progress(double ratio, String status) {
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("progress ratio " + ratio + " is outside 0..1");
    }
    listener.progress(id, attempt, ratio, status == null ? "" : status);
  }

  @Override
  public String toString() {
    return "Item[" + id + ", attempt " + attempt + "]";
  }
}
