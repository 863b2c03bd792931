package dev.streamll.redis.processor;

import io.lettuce.core.TransactionResult;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moves an entry to the dead-letter stream ({@code <stream>:dlq} by default) and acknowledges it in
 * one {@code MULTI}/{@code EXEC}, so it is either still pending in the source (and will be retried)
 * or dead-lettered and acknowledged — never lost, never processed again.
 *
 * <p>Entry format: the source entry's fields, copied unchanged (so an operator can re-add a dead
 * letter to the source stream after removing the {@code dlq_} fields), plus:
 *
 * <ul>
 *   <li>{@code dlq_original_id}: the entry id in the source stream
 *   <li>{@code dlq_stream}, {@code dlq_group}: where it came from
 *   <li>{@code dlq_consumer}: the consumer that gave up
 *   <li>{@code dlq_attempts}: Redis' delivery count when it gave up
 *   <li>{@code dlq_error}: the last error (exception class and message, or the decode error)
 *   <li>{@code dlq_failed_at}: epoch milliseconds
 * </ul>
 *
 * <p>The dead-letter stream is bounded with {@code MAXLEN ~} when a bound is configured. With
 * {@link AckRetention#DELETE} the source entry is deleted in the same transaction.
 */
final class DeadLetterWriter {

  private final StreamProcessor<?> cfg;
  private final StatefulRedisConnection<String, String> connection;
  private final XAddArgs args;

  DeadLetterWriter(StreamProcessor<?> cfg, StatefulRedisConnection<String, String> connection) {
    this.cfg = cfg;
    this.connection = connection;
    this.args = new XAddArgs();
    if (cfg.deadLetterMaxLength > 0) {
      args.maxlen(cfg.deadLetterMaxLength).approximateTrimming();
    }
  }

  /** Returns the dead-letter entry's id; throws when Redis did not execute the transaction. */
  synchronized String write(String id, Map<String, String> fields, long attempts, String error) {
    Map<String, String> letter = new LinkedHashMap<>(fields);
    letter.put("dlq_original_id", id);
    letter.put("dlq_stream", cfg.stream);
    letter.put("dlq_group", cfg.group);
    letter.put("dlq_consumer", cfg.consumer);
    letter.put("dlq_attempts", Long.toString(attempts));
    letter.put("dlq_error", error);
    letter.put("dlq_failed_at", Long.toString(System.currentTimeMillis()));
    RedisCommands<String, String> redis = connection.sync();
    redis.multi();
    try {
      redis.xadd(cfg.deadLetterStream, args, letter);
      redis.xack(cfg.stream, cfg.group, id);
      if (cfg.retention == AckRetention.DELETE) {
        redis.xdel(cfg.stream, id);
      }
    } catch (RuntimeException e) {
      redis.discard();
      throw e;
    }
    TransactionResult result = redis.exec();
    if (result.wasDiscarded() || result.isEmpty()) {
      throw new IllegalStateException("dead-letter transaction for " + id + " was discarded");
    }
    Object added = result.get(0);
    if (added instanceof Exception e) {
      throw new IllegalStateException(
          "dead-letter XADD for " + id + " failed: " + e.getMessage(), e);
    }
    return String.valueOf(added);
  }
}
