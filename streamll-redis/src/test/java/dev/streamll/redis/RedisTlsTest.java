package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.source.EventSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a TLS-only redis-server whose certificate (for 127.0.0.1) is signed by
 * a CA made for the test with openssl.
 */
class RedisTlsTest {
  @TempDir static Path dir;
  private static RedisServerProcess server;
  private static Path caCertificate;

  @BeforeAll
  static void startTlsServer() throws Exception {
    caCertificate = dir.resolve("ca.crt");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "1",
        "-subj",
        "/CN=streamll-test-ca");
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost");
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "1",
        "-extfile",
        "san.ext");
    int port = RedisServerProcess.freePort();
    server =
        RedisServerProcess.start(
            dir.resolve("redis"),
            port,
            "--port",
            "0",
            "--tls-port",
            Integer.toString(port),
            "--tls-cert-file",
            dir.resolve("server.crt").toString(),
            "--tls-key-file",
            dir.resolve("server.key").toString(),
            "--tls-ca-cert-file",
            caCertificate.toString(),
            "--tls-auth-clients",
            "no");
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as("openssl %s: %s", command, Files.readString(dir.resolve("openssl.log")))
        .isZero();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static EncodedEvent event() {
    return EncodedEvent.of(
        0,
        new StreamllEvent(
            null, null, null, null, null, "Tls", "run", "op", "start", Map.of(), Map.of(), null,
            null, null, null),
        new EventCodec());
  }

  @Test
  void writesAndReadsBackOverTlsWithTheGivenCa() throws Exception {
    String url = "rediss://127.0.0.1:" + server.port() + "/tls?cacert=" + caCertificate;
    EncodedEvent event = event();
    try (RedisSink sink = RedisSink.create(url)) {
      assertThat(sink.name()).isEqualTo("rediss://127.0.0.1:" + server.port() + "/0/tls");
      sink.start();
      sink.write(List.of(event));
    }
    List<EncodedEvent> read = new ArrayList<>();
    try (EventSource source = RedisEventSource.open(url)) {
      source.read(false, read::add);
    }
    assertThat(read).hasSize(1);
    assertThat(new String(read.get(0).json(), StandardCharsets.UTF_8))
        .isEqualTo(event.jsonString());
  }

  @Test
  void untrustedCertificateNamesTheTlsOptions() {
    try (RedisSink sink = RedisSink.create("rediss://127.0.0.1:" + server.port() + "/tls")) {
      assertThatThrownBy(sink::start)
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("TLS handshake with 127.0.0.1:" + server.port() + " failed")
          .hasMessageContaining("'verify' and 'cacert'");
    }
  }

  @Test
  void plainUrlAgainstATlsPortSuggestsRediss() {
    try (RedisSink sink =
        RedisSink.create("redis://127.0.0.1:" + server.port() + "/tls?timeout=2s")) {
      assertThatThrownBy(sink::start)
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("rediss://");
    }
  }
}
