package dev.streamll.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;

/**
 * A TCP forwarder in the test JVM that can cut every live connection and refuse new ones for a
 * while: a real network fault between the sink and the broker, without touching the shared broker.
 * Refused connections are accepted and closed at once, so the client sees the connection drop
 * during its handshake.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> live = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;
  private final Object gate = new Object();
  private volatile long refuseUntilNanos = System.nanoTime();
  private volatile long frozenUntilNanos = System.nanoTime();
  private volatile boolean closed;

  TcpProxy(String targetHost, int targetPort) throws IOException {
    this(targetHost, targetPort, ServerSocketFactory.getDefault());
  }

  /**
   * A proxy whose listening side comes from {@code listeners}: an {@code SSLServerSocketFactory}
   * makes it a TLS endpoint in front of a plain-text broker.
   */
  TcpProxy(String targetHost, int targetPort, ServerSocketFactory listeners) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = listeners.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted and forwarded so far. */
  int connectionsForwarded() {
    return accepted.get();
  }

  /** Closes every live connection and refuses new ones for {@code refuseMillis}. */
  void cut(long refuseMillis) {
    refuseUntilNanos = System.nanoTime() + refuseMillis * 1_000_000;
    for (Socket socket : live) {
      closeQuietly(socket);
    }
  }

  /**
   * Stops relaying bytes for {@code millis} while keeping every connection open: a peer that has
   * gone silent, the case only timeouts and heartbeats can detect.
   */
  void freeze(long millis) {
    frozenUntilNanos = System.nanoTime() + millis * 1_000_000;
  }

  /** Ends a {@link #freeze} early: relaying resumes at once. */
  void thaw() {
    synchronized (gate) {
      frozenUntilNanos = System.nanoTime();
      gate.notifyAll();
    }
  }

  private void awaitThaw() throws InterruptedException {
    synchronized (gate) {
      long remaining;
      while ((remaining = frozenUntilNanos - System.nanoTime()) > 0) {
        gate.wait(remaining / 1_000_000 + 1);
      }
    }
  }

  private boolean refusing() {
    return System.nanoTime() - refuseUntilNanos < 0;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        throw new IllegalStateException("proxy accept failed", e);
      }
      if (refusing()) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket(targetHost, targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        live.add(client);
        live.add(upstream);
        accepted.incrementAndGet();
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  awaitThaw();
                  out.write(buffer, 0, n);
                }
              } catch (IOException e) {
                // A cut or a peer closing: the pair is torn down below either way.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void closeQuietly(Socket socket) {
    live.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      if (!(e instanceof SocketException)) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket socket : live) {
      closeQuietly(socket);
    }
  }
}
