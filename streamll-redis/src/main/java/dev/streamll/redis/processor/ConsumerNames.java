package dev.streamll.redis.processor;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Default consumer names: stable for a process, distinct between processes. */
final class ConsumerNames {

  private ConsumerNames() {}

  /** {@code <host>-<pid>}. */
  static String hostAndPid() {
    return host() + "-" + ProcessHandle.current().pid();
  }

  private static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
