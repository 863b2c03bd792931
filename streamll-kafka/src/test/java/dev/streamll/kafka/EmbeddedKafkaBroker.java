package dev.streamll.kafka;

import dev.streamll.testing.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.awaitility.Awaitility;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one server) inside the test JVM:
 * no Docker, only {@code kafka_2.13} from Maven Central. Formats its data directory once (guarded
 * on {@code meta.properties}), and can be stopped and started again on the same ports and data
 * directory to simulate an outage. See {@code /work/shared/notes/kafka-test-broker.md}.
 */
final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final String CLUSTER_ID = "c3RyZWFtbGwta2Fma2EtdA";

  static {
    // A broker failure must fail the test, not end the test JVM.
    Exit.setExitProcedure(
        (status, message) -> {
          throw new IllegalStateException("Kafka asked to exit(" + status + "): " + message);
        });
    Exit.setHaltProcedure(
        (status, message) -> {
          throw new IllegalStateException("Kafka asked to halt(" + status + "): " + message);
        });
  }

  static final String ADMIN_PASSWORD = "admin-secret";

  private final Path dataDir;
  private final Map<String, String> overrides;
  private final Map<String, String> users;
  private final TlsFiles tls;
  private final boolean clientCertificates;
  private int port;
  private int internalPort;
  private int controllerPort;
  private KafkaConfig config;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(
      Path dataDir,
      Map<String, String> overrides,
      Map<String, String> users,
      TlsFiles tls,
      boolean clientCertificates) {
    this.dataDir = dataDir;
    this.overrides = Map.copyOf(overrides);
    this.users = Map.copyOf(users);
    this.tls = tls;
    this.clientCertificates = clientCertificates;
  }

  /**
   * Starts a broker with its data in {@code dataDir}; {@code overrides} are broker properties such
   * as {@code auto.create.topics.enable}.
   */
  static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> overrides) {
    return start(new EmbeddedKafkaBroker(dataDir, overrides, Map.of(), null, false));
  }

  /**
   * Starts a broker whose client listener requires SASL/PLAIN and authorizes with ACLs (none are
   * granted): {@code users} maps user names to passwords; user {@code admin} (password {@link
   * #ADMIN_PASSWORD}) is a super user.
   */
  static EmbeddedKafkaBroker startSecured(Path dataDir, Map<String, String> users) {
    return start(new EmbeddedKafkaBroker(dataDir, Map.of(), users, null, false));
  }

  /**
   * Starts a broker whose client listener speaks TLS with {@code tls}'s broker certificate, and
   * with {@code clientCertificates} also requires the client's (mutual TLS). A plaintext listener
   * for the broker itself and for test set-up ({@link #plaintextBootstrapServers}) runs beside it.
   */
  static EmbeddedKafkaBroker startTls(Path dataDir, TlsFiles tls, boolean clientCertificates) {
    return start(new EmbeddedKafkaBroker(dataDir, Map.of(), Map.of(), tls, clientCertificates));
  }

  private static EmbeddedKafkaBroker start(EmbeddedKafkaBroker broker) {
    RuntimeException last = null;
    // A free port found now can be taken before the broker binds it: try fresh ports a few times.
    for (int attempt = 0; attempt < 3; attempt++) {
      broker.port = freePort();
      broker.internalPort = freePort();
      broker.controllerPort = freePort();
      try {
        broker.startServer();
        return broker;
      } catch (RuntimeException e) {
        last = e;
        broker.stopServer();
      }
    }
    throw last;
  }

  String bootstrapServers() {
    return "localhost:" + port;
  }

  /**
   * A {@code kafka://} URL for {@code topic} on this broker carrying {@code properties} as {@code
   * kafka.}-prefixed options, as a user writes security settings into a URL.
   */
  String url(String topic, Map<String, String> properties) {
    StringBuilder url = new StringBuilder("kafka://" + bootstrapServers() + "/" + topic);
    char separator = '?';
    for (Map.Entry<String, String> property : properties.entrySet()) {
      url.append(separator)
          .append("kafka.")
          .append(property.getKey())
          .append('=')
          .append(URLEncoder.encode(property.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }

  /** The listener without TLS: the client listener, or beside a TLS one the internal listener. */
  String plaintextBootstrapServers() {
    return "localhost:" + (tls == null ? port : internalPort);
  }

  /**
   * Stops the broker (a clean shutdown); its port and data directory are kept for {@link #restart}.
   */
  void stop() {
    stopServer();
  }

  /** Starts the broker again on the same ports with the same data. */
  void restart() {
    if (server == null) {
      startServer();
    }
  }

  private void startServer() {
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
    props.put("log.dirs", dataDir.toString());
    props.put("num.partitions", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("log.segment.bytes", String.valueOf(64 << 20));
    if (!users.isEmpty()) {
      secure(props);
    }
    if (tls != null) {
      tls(props);
    }
    props.putAll(overrides);
    config = KafkaConfig.fromProps(props, false);
    format();
    server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    awaitReady();
  }

  private void secure(Properties props) {
    props.put(
        "listeners",
        "SASL_PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    props.put("advertised.listeners", "SASL_PLAINTEXT://localhost:" + port);
    props.put("inter.broker.listener.name", "SASL_PLAINTEXT");
    props.put(
        "listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("sasl.enabled.mechanisms", "PLAIN");
    props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    StringBuilder jaas =
        new StringBuilder(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                + " password=\""
                + ADMIN_PASSWORD
                + "\" user_admin=\""
                + ADMIN_PASSWORD
                + "\"");
    users.forEach(
        (user, password) ->
            jaas.append(" user_").append(user).append("=\"").append(password).append("\""));
    props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(";").toString());
    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    // The controller listener is plaintext inside this JVM: its ANONYMOUS principal is trusted.
    props.put("super.users", "User:admin;User:ANONYMOUS");
    props.put("allow.everyone.if.no.acl.found", "false");
  }

  private void tls(Properties props) {
    props.put(
        "listeners",
        "SSL://localhost:"
            + port
            + ",INTERNAL://localhost:"
            + internalPort
            + ",CONTROLLER://localhost:"
            + controllerPort);
    props.put(
        "advertised.listeners",
        "SSL://localhost:" + port + ",INTERNAL://localhost:" + internalPort);
    props.put("inter.broker.listener.name", "INTERNAL");
    props.put("listener.security.protocol.map", "SSL:SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
    String ssl = "listener.name.ssl.";
    props.put(ssl + "ssl.keystore.type", "PKCS12");
    props.put(ssl + "ssl.keystore.location", tls.brokerKeystore().toString());
    props.put(ssl + "ssl.keystore.password", TlsFiles.PASSWORD);
    props.put(ssl + "ssl.key.password", TlsFiles.PASSWORD);
    props.put(ssl + "ssl.truststore.type", "PKCS12");
    props.put(ssl + "ssl.truststore.location", tls.brokerTruststore().toString());
    props.put(ssl + "ssl.truststore.password", TlsFiles.PASSWORD);
    props.put(ssl + "ssl.client.auth", clientCertificates ? "required" : "none");
  }

  /** Client properties for {@code user} on a secured broker; empty for a plaintext one. */
  Map<String, String> clientSecurity(String user, String password) {
    if (users.isEmpty()) {
      return Map.of();
    }
    return Map.of(
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
  }

  private void format() {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      new Formatter()
          .setNodeId(1)
          .setClusterId(CLUSTER_ID)
          .setDirectories(List.of(dataDir.toString()))
          .setMetadataLogDirectory(dataDir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setPrintStream(System.out)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("formatting " + dataDir + " failed: " + e.getMessage(), e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (Admin admin = admin()) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("broker did not answer within 30 s", e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  private void stopServer() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  Admin admin() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plaintextBootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.putAll(clientSecurity("admin", ADMIN_PASSWORD));
    return Admin.create(props);
  }

  /**
   * Creates a topic and waits until every partition has a leader, so the first produce does not
   * race the topic's creation.
   */
  void createTopic(String topic, int partitions, Map<String, String> configs) {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          // Right after creation the broker's metadata may not list the topic yet.
          .ignoreExceptionsMatching(
              e ->
                  e instanceof ExecutionException
                      && e.getCause()
                          instanceof
                          org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
          .until(
              () ->
                  admin
                      .describeTopics(List.of(topic))
                      .allTopicNames()
                      .get(10, TimeUnit.SECONDS)
                      .get(topic)
                      .partitions()
                      .stream()
                      .allMatch(partition -> partition.leader() != null));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("creating topic " + topic + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A new topic name that no other test uses. */
  static String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the broker and deletes its data directory. */
  @Override
  public void close() {
    stopServer();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
