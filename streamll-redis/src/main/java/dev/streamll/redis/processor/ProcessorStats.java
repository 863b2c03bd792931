package dev.streamll.redis.processor;

/**
 * Counters of one running processor since it started.
 *
 * @param fetched entries read as new deliveries ({@code XREADGROUP >})
 * @param reclaimed entries taken over from consumers whose lease expired ({@code XAUTOCLAIM})
 * @param processed entries whose handler succeeded and that were acknowledged
 * @param failed failed handler attempts
 * @param retried failed attempts followed by another attempt
 * @param deadLettered entries moved to the dead-letter stream
 * @param discarded entries acknowledged after the retry policy gave up with dead-lettering off
 * @param reclaimSkippedInFlight reclaimed entries this consumer was still working on, not run twice
 * @param leaseLost entries another consumer took over while this one still worked on them (each can
 *     be processed twice)
 * @param heartbeats lease extensions sent
 * @param consumersRemoved dead consumers deleted from the group
 * @param held entries this consumer holds unacknowledged (queued, running, waiting to retry)
 * @param running handlers running now
 */
public record ProcessorStats(
    long fetched,
    long reclaimed,
    long processed,
    long failed,
    long retried,
    long deadLettered,
    long discarded,
    long reclaimSkippedInFlight,
    long leaseLost,
    long heartbeats,
    long consumersRemoved,
    int held,
    int running) {}
