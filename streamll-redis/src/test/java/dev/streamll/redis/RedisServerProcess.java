package dev.streamll.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-server of a test's own, on a free port, that the test may kill with SIGKILL and start
 * again on the same port and directory. Never used for the shared server at 6379.
 */
final class RedisServerProcess implements AutoCloseable {
  private static final String BINARY = "/usr/bin/redis-server";

  private final Path dir;
  private final int port;
  private final List<String> extraArgs;
  private Process process;

  private RedisServerProcess(Path dir, int port, List<String> extraArgs) {
    this.dir = dir;
    this.port = port;
    this.extraArgs = extraArgs;
  }

  /** Starts a server on a free port with {@code --dir dir --save ""} plus {@code extraArgs}. */
  static RedisServerProcess start(Path dir, String... extraArgs) throws IOException {
    return start(dir, freePort(), extraArgs);
  }

  /** Starts a server on {@code port}, e.g. one a sink has been failing to reach. */
  static RedisServerProcess start(Path dir, int port, String... extraArgs) throws IOException {
    RedisServerProcess server = new RedisServerProcess(dir, port, List.of(extraArgs));
    server.start();
    return server;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) and waits until it answers. */
  void start() throws IOException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>();
    command.add(BINARY);
    command.add("--port");
    command.add(Integer.toString(port));
    command.add("--bind");
    command.add("127.0.0.1");
    command.add("--dir");
    command.add(dir.toString());
    command.add("--save");
    command.add("");
    command.addAll(extraArgs);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
            .start();
    await("redis-server on port " + port)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(this::answers);
  }

  /**
   * True once the server replies to PING (a NOAUTH error counts: it is up); for a TLS-only server,
   * once it accepts connections.
   */
  private boolean answers() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "redis-server on port " + port + " exited; see " + dir.resolve("redis.log"));
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      if (extraArgs.contains("--tls-port")) {
        return true;
      }
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      return first == '+' || first == '-';
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL, like {@code kill -9}: no shutdown, no save. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing redis-server", e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
