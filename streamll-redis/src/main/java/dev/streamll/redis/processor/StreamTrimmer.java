package dev.streamll.redis.processor;

import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessages;
import java.util.List;

/**
 * For {@link AckRetention#TRIM}: removes entries every consumer group of the stream is done with.
 * The cut is the smallest, over all groups, of the group's oldest pending entry (or, with none
 * pending, the first entry after its last delivered one), so no group loses an entry it has not
 * acknowledged or not yet read. Both bounds only move forward, so reading them before the {@code
 * XTRIM MINID} is safe.
 */
final class StreamTrimmer {

  private final String stream;

  StreamTrimmer(String stream) {
    this.stream = stream;
  }

  /** Entries removed. */
  long trim(RedisCommands<String, String> redis) {
    List<GroupInfo> groups = XInfoReplies.groups(redis.xinfoGroups(stream));
    String cut = null;
    for (GroupInfo group : groups) {
      String keepFrom;
      PendingMessages summary = group.pending() > 0 ? redis.xpending(stream, group.name()) : null;
      if (summary != null && summary.getCount() > 0) {
        keepFrom = summary.getMessageIds().getLower().getValue();
      } else {
        keepFrom = StreamIds.next(group.lastDeliveredId());
      }
      if (cut == null || StreamIds.compare(keepFrom, cut) < 0) {
        cut = keepFrom;
      }
    }
    if (cut == null) {
      return 0;
    }
    return redis.xtrim(stream, new XTrimArgs().minId(cut));
  }
}
