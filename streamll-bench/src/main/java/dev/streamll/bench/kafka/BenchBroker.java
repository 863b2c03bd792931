package dev.streamll.bench.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.FileRecords;

/**
 * The Kafka the benchmarks talk to: a single-node KRaft broker in a child JVM on this machine (the
 * default, so a benchmark needs nothing installed), or an external cluster given by {@code
 * --bootstrap}.
 */
final class BenchBroker implements AutoCloseable {
  private final String bootstrapServers;
  private final Process server;
  private final Path dataDir;

  private BenchBroker(String bootstrapServers, Process server, Path dataDir) {
    this.bootstrapServers = bootstrapServers;
    this.server = server;
    this.dataDir = dataDir;
  }

  /** An external cluster at {@code bootstrapServers}, or an in-JVM broker when it is null. */
  static BenchBroker connectOrStart(String bootstrapServers) throws Exception {
    if (bootstrapServers != null) {
      return new BenchBroker(bootstrapServers, null, null);
    }
    Path dir = Files.createTempDirectory("streamll-bench-kafka");
    int port = freePort();
    int controllerPort = freePort();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    props.put(
        "listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", dir.toString());
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    Path file = dir.resolve("server.properties");
    try (var out = Files.newOutputStream(file)) {
      props.store(out, "StreamLL benchmark broker");
    }
    int formatted =
        StorageTool.execute(
            new String[] {"format", "-t", "c3RyZWFtbGwtYmVuY2gtaw", "-c", file.toString()},
            new PrintStream(OutputStream.nullOutputStream()));
    if (formatted != 0) {
      throw new IllegalStateException("formatting " + dir + " failed: " + formatted);
    }
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                "kafka.Kafka",
                file.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("broker.log").toFile())
            .start();
    BenchBroker broker = new BenchBroker("localhost:" + port, process, dir);
    try (Admin admin = broker.admin()) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    }
    return broker;
  }

  /** The CPU the broker's threads used so far; empty for an external cluster. */
  ThreadCpu cpu() {
    return ThreadCpu.of(server == null ? -1 : server.pid());
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  String description() {
    return server == null
        ? bootstrapServers
        : "KRaft broker in a child JVM (-Xmx1g) at " + bootstrapServers;
  }

  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /**
   * Creates a topic and waits until every partition has a leader: producing earlier can hit
   * KAFKA-15591 (out-of-order sequence errors on a just-created partition), for both peers.
   */
  void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!hasLeaders(admin, topic)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " has no leaders after 60 s");
        }
        Thread.onSpinWait();
      }
    }
  }

  /**
   * Whether every partition of {@code topic} has a leader; false while the broker's metadata does
   * not list the topic yet, which it may not right after creating it.
   */
  private static boolean hasLeaders(Admin admin, String topic) throws Exception {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .stream()
          .allMatch(partition -> partition.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }

  /** Bytes the topic occupies in the broker's log directories (all partitions, all brokers). */
  long topicBytes(String topic) throws Exception {
    long total = 0;
    try (Admin admin = admin()) {
      List<Integer> brokers =
          admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
              .map(node -> node.id())
              .toList();
      var dirs = admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS);
      for (var byDir : dirs.values()) {
        for (var dir : byDir.values()) {
          for (Map.Entry<TopicPartition, org.apache.kafka.clients.admin.ReplicaInfo> replica :
              dir.replicaInfos().entrySet()) {
            if (replica.getKey().topic().equals(topic)) {
              total += replica.getValue().size();
            }
          }
        }
      }
    }
    return total;
  }

  /**
   * How many record batches (producer requests' units, each compressed on its own) the topic's log
   * holds; -1 for an external cluster, whose files this process cannot read.
   */
  long topicBatches(String topic) throws IOException {
    if (dataDir == null) {
      return -1;
    }
    long batches = 0;
    try (Stream<Path> dirs = Files.list(dataDir)) {
      for (Path partition : dirs.filter(d -> isPartitionOf(d, topic)).toList()) {
        try (Stream<Path> logs = Files.list(partition)) {
          for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
            try (FileRecords records = FileRecords.open(log.toFile(), false)) {
              for (var ignored : records.batches()) {
                batches++;
              }
            }
          }
        }
      }
    }
    return batches;
  }

  private static boolean isPartitionOf(Path dir, String topic) {
    String name = dir.getFileName().toString();
    return name.startsWith(topic + "-") && name.substring(topic.length() + 1).matches("\\d+");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (server == null) {
      return;
    }
    server.destroy();
    try {
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
