package dev.streamll.redis.processor;

/**
 * One consumer group of a stream, from {@code XINFO GROUPS}.
 *
 * @param name the group name
 * @param consumers consumers known to the group
 * @param pending entries delivered and not yet acknowledged
 * @param lag entries not yet delivered to the group; -1 when Redis cannot tell (after deletions or
 *     trimming inside the undelivered range)
 * @param lastDeliveredId the id of the last entry delivered to the group
 */
public record GroupInfo(
    String name, long consumers, long pending, long lag, String lastDeliveredId) {}
