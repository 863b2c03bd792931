package dev.streamll.redis.processor;

/**
 * How a processor stopped.
 *
 * @param drained every started handler finished and its acknowledgement reached Redis before the
 *     deadline
 * @param handedBack entries left pending, unacknowledged, with their idle time set to the lease so
 *     that another consumer reclaims them at once
 */
public record ShutdownReport(boolean drained, int handedBack) {}
