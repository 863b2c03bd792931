package dev.streamll.redis.processor;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;

/**
 * Deletes consumers that are gone: idle at least {@code deadConsumerAfter} and holding no pending
 * entries — their work has been reclaimed by others first, so {@code XGROUP DELCONSUMER} drops
 * nothing. Checking and deleting run in one Lua script, so a consumer cannot receive entries
 * between the check and the delete.
 */
final class ConsumerJanitor {

  private static final String SCRIPT =
      """
      local removed = {}
      local consumers = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
      for _, consumer in ipairs(consumers) do
        local name, pending, idle
        for i = 1, #consumer, 2 do
          local field = consumer[i]
          if field == 'name' then name = consumer[i + 1]
          elseif field == 'pending' then pending = consumer[i + 1]
          elseif field == 'idle' then idle = consumer[i + 1] end
        end
        if name ~= ARGV[2] and pending == 0 and idle >= tonumber(ARGV[3]) then
          redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
          table.insert(removed, name)
        end
      end
      return removed
      """;

  private final String stream;
  private final String group;
  private final String self;
  private final Duration idle;

  ConsumerJanitor(StreamProcessor<?> cfg) {
    this.stream = cfg.stream;
    this.group = cfg.group;
    this.self = cfg.consumer;
    this.idle = cfg.deadConsumerAfter;
  }

  /** The consumers removed. */
  List<String> sweep(RedisCommands<String, String> redis) {
    List<String> removed =
        redis.eval(
            SCRIPT,
            ScriptOutputType.MULTI,
            new String[] {stream},
            group,
            self,
            Long.toString(idle.toMillis()));
    return removed;
  }
}
