/**
 * Redis Streams for StreamLL: {@link dev.streamll.redis.RedisSink} writes events to a stream with
 * pipelined, confirmed {@code XADD}s (URL schemes {@code redis://} and {@code rediss://}), and
 * {@link dev.streamll.redis.RedisEventSource} reads them back for {@code streamll tail} and {@code
 * streamll replay}. Both are found through {@link java.util.ServiceLoader}, so having this module
 * on the classpath is all it takes. See {@code docs/sinks/redis.md}.
 */
package dev.streamll.redis;
