package dev.streamll.redis.processor;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A consumer process for {@link CrashRecoveryTest}, killed with SIGKILL mid-batch. Arguments: redis
 * URI, stream, consumer name, lease in ms.
 */
public final class CrashConsumerMain {

  private CrashConsumerMain() {}

  public static void main(String[] args) throws Exception {
    RedisClient client = RedisClient.create(args[0]);
    String stream = args[1];
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      StreamProcessor.builder(JsonEntryCodec.of(RedisStreams.Job.class)).redis(client).stream(
              stream)
          .group("workers")
          .consumer(args[2])
          .lease(Duration.ofMillis(Long.parseLong(args[3])))
          .concurrency(4)
          .batchSize(20)
          .retry(CrashRecoveryTest.POLICY)
          .deadConsumerAfter(Duration.ZERO)
          .telemetry(ProcessorTelemetry.none())
          .handler(CrashRecoveryTest.handler(connection.sync(), stream))
          .build()
          .start();
      System.out.println("consuming as " + args[2]);
      new CountDownLatch(1).await();
    }
  }
}
