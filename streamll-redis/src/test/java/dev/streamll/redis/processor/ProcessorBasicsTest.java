package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProcessorBasicsTest extends RedisStreams {

  @Test
  void processesEveryEntryOnceAndDeletesItAfterTheAck() {
    List<String> ids = addJobs(200);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger calls = new AtomicInteger();
    try (ProcessorHandle running =
        builder(
                item -> {
                  calls.incrementAndGet();
                  seen.add(item.id());
                  assertThat(item.payload().name()).isEqualTo("job-" + item.payload().number());
                  assertThat(item.attempt()).isEqualTo(1);
                })
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 200);
      await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(stream) == 0);
      assertThat(running.stats().held()).isZero();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(calls).hasValue(200);
    assertThat(redis.xpending(stream, "workers").getCount()).isZero();
  }

  @Test
  void createsTheStreamAndGroupWhenMissingAndAcceptsAnExistingGroup() {
    assertThat(redis.exists(stream)).isZero();
    AtomicInteger calls = new AtomicInteger();
    try (ProcessorHandle first = builder(item -> calls.incrementAndGet()).build().start();
        ProcessorHandle second =
            builder(item -> calls.incrementAndGet()).consumer("c2").build().start()) {
      addJobs(50);
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 50);
      assertThat(first.stats().processed() + second.stats().processed()).isEqualTo(50);
      try (RedisStream<Job> jobs = jobs()) {
        List<GroupInfo> groups = jobs.groups();
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).name()).isEqualTo("workers");
        assertThat(groups.get(0).consumers()).isEqualTo(2);
      }
    }
  }

  @Test
  void latestSkipsEntriesAddedBeforeTheGroupWasCreated() {
    addJobs(5);
    Set<Integer> seen = ConcurrentHashMap.newKeySet();
    try (ProcessorHandle running =
        builder(item -> seen.add(item.payload().number()))
            .startFrom(StartPosition.LATEST)
            .build()
            .start()) {
      try (RedisStream<Job> jobs = jobs()) {
        jobs.add(new Job(99, "late"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 1);
    }
    assertThat(seen).containsExactly(99);
  }

  @Test
  void defaultConsumerNameIsHostAndPidAndStable() {
    StreamProcessor<Job> a =
        StreamProcessor.builder(JsonEntryCodec.of(Job.class)).redis(client).stream(stream)
            .group("g")
            .handler(item -> {})
            .build();
    StreamProcessor<Job> b =
        StreamProcessor.builder(JsonEntryCodec.of(Job.class)).redis(client).stream(stream)
            .group("g")
            .handler(item -> {})
            .build();
    assertThat(a.consumer()).endsWith("-" + ProcessHandle.current().pid()).isEqualTo(b.consumer());
  }

  @Test
  void invalidSettingsFailWithTheSettingNamed() {
    assertThatThrownBy(() -> builder(item -> {}).batchSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize is 0");
    assertThatThrownBy(() -> builder(item -> {}).concurrency(-1).build())
        .hasMessageContaining("concurrency is -1");
    assertThatThrownBy(() -> builder(item -> {}).lease(Duration.ofMillis(5)).build())
        .hasMessageContaining("lease is PT0.005S");
    assertThatThrownBy(() -> builder(item -> {}).group(" ").build())
        .hasMessageContaining("group is blank");
    assertThatThrownBy(() -> builder(item -> {}).stream("").build())
        .hasMessageContaining("stream key is blank");
    assertThatThrownBy(() -> builder(null).build()).hasMessageContaining("no handler");
    assertThatThrownBy(() -> builder(item -> {}).redis(null).build())
        .hasMessageContaining("no Redis connection");
    assertThatThrownBy(() -> builder(item -> {}).deadConsumerAfter(Duration.ofMillis(500)).build())
        .hasMessageContaining("deadConsumerAfter");
    assertThatThrownBy(() -> builder(item -> {}).deadLetterStream(stream).build())
        .hasMessageContaining("must differ from the source stream");
    assertThatThrownBy(() -> RetryPolicy.maxAttempts(0)).hasMessageContaining("maxAttempts is 0");
  }

  @Test
  void unreachableRedisFailsAtStartWithTheFix() {
    StreamProcessor<Job> processor =
        StreamProcessor.builder(JsonEntryCodec.of(Job.class))
            .redisUri("redis://127.0.0.1:1")
            .stream(stream)
            .group("g")
            .handler(item -> {})
            .build();
    assertThatThrownBy(processor::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot connect to Redis")
        .hasMessageContaining("redisUri");
  }

  @Test
  void aKeyOfAnotherTypeFailsAtStartWithTheFix() {
    redis.set(stream, "not a stream");
    assertThatThrownBy(() -> builder(item -> {}).build().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot create consumer group 'workers'")
        .hasMessageContaining("WRONGTYPE")
        .hasMessageContaining("must be a stream or absent");
  }

  @Test
  @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes generic varargs offsets
  void streamInfoReportsLengthIdsAndGroups() {
    try (RedisStream<Job> jobs = jobs()) {
      assertThat(jobs.info().length()).isZero();
      assertThat(jobs.info().firstId()).isNull();
      String first = jobs.add(new Job(1, "a"));
      jobs.add(new Job(2, "b"));
      String last = jobs.add(new Job(3, "c"));
      redis.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from(stream, "0"), "readers");
      redis.xreadgroup(
          io.lettuce.core.Consumer.from("readers", "r1"),
          io.lettuce.core.XReadArgs.Builder.count(2),
          io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));
      StreamInfo info = jobs.info();
      assertThat(info.length()).isEqualTo(3);
      assertThat(info.firstId()).isEqualTo(first);
      assertThat(info.lastId()).isEqualTo(last);
      assertThat(info.lastGeneratedId()).isEqualTo(last);
      assertThat(info.groups()).hasSize(1);
      GroupInfo group = info.groups().get(0);
      assertThat(group.name()).isEqualTo("readers");
      assertThat(group.consumers()).isEqualTo(1);
      assertThat(group.pending()).isEqualTo(2);
      assertThat(group.lag()).isEqualTo(1);
      assertThat(group.lastDeliveredId()).isNotEqualTo(last);
    }
  }
}
