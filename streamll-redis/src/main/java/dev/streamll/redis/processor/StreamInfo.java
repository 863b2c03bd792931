package dev.streamll.redis.processor;

import java.util.List;

/**
 * A stream's state from {@code XINFO STREAM} and {@code XINFO GROUPS}.
 *
 * @param length entries in the stream
 * @param firstId the oldest entry's id, null when empty
 * @param lastId the newest entry's id, null when empty
 * @param lastGeneratedId the last id the stream ever assigned
 * @param groups its consumer groups
 */
public record StreamInfo(
    long length, String firstId, String lastId, String lastGeneratedId, List<GroupInfo> groups) {

  public StreamInfo {
    groups = List.copyOf(groups);
  }
}
