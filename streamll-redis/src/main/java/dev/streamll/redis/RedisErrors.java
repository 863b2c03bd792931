package dev.streamll.redis;

import dev.streamll.sink.SinkException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;

/**
 * Turns Lettuce and socket failures into messages a person can act on: what went wrong, which
 * setting of the URL is at fault, and the fix. The URL in messages is always redacted.
 */
final class RedisErrors {
  private final RedisSettings settings;

  RedisErrors(RedisSettings settings) {
    this.settings = settings;
  }

  /** A message for {@code error}; {@code key} is the stream key involved, if any. */
  SinkException translate(Throwable error, String key) {
    return new SinkException(settings.redacted() + ": " + describe(error, key), error);
  }

  private String describe(Throwable error, String key) {
    String address = settings.host() + ":" + settings.port();
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (message.startsWith("WRONGPASS") || message.contains("invalid password")) {
        return "authentication failed: wrong "
            + (settings.user() != null ? "user name or password" : "password")
            + " in the URL (redis://[user:]password@host:port); check the credentials";
      }
      if (message.startsWith("NOAUTH")) {
        return "the server requires a password: put it in the URL as redis://:PASSWORD@"
            + address
            + " (or redis://USER:PASSWORD@"
            + address
            + " with ACL users)";
      }
      if (message.contains("AUTH") && message.contains("without any password configured")) {
        return "the URL carries a password but the server at "
            + address
            + " has none configured; remove it from the URL (or set requirepass on the server)";
      }
      if (message.startsWith("WRONGTYPE")) {
        return "key '"
            + key
            + "' holds a value of another type, not a stream; choose a different key with"
            + " option 'stream' (e.g. ?stream=streamll_events) or delete that key";
      }
      if (message.startsWith("NOPERM")) {
        return "the user has no permission for this command or key ("
            + message
            + "); grant it XADD, XRANGE, XREAD and TYPE on key '"
            + key
            + "' in the server's ACL";
      }
      if (message.startsWith("OOM")) {
        return "Redis is out of memory (maxmemory reached); bound the stream with option"
            + " 'maxlen' (e.g. ?maxlen=1000000), let consumers trim it, or raise maxmemory";
      }
      if (message.startsWith("ERR DB index is out of range")) {
        return "database in the URL path does not exist on the server; use a number below its"
            + " 'databases' setting (managed and cluster services only have database 0)";
      }
      if (message.startsWith("MOVED") || message.startsWith("CROSSSLOT")) {
        return "the server runs in cluster mode, which this sink does not support ("
            + message
            + "); point the URL at a non-cluster (cluster mode disabled) endpoint";
      }
      if (t instanceof RedisCommandTimeoutException) {
        return "no reply within "
            + settings.timeout().toMillis()
            + " ms (option 'timeout'); the server is slow or unreachable. Raise ?timeout= if it"
            + " is just busy";
      }
      if (t instanceof ConnectException && message.contains("timed out")) {
        return "could not connect to "
            + address
            + " within "
            + settings.timeout().toMillis()
            + " ms (option 'timeout'); check host, port and firewalls";
      }
      if (t instanceof ConnectException || message.contains("Connection refused")) {
        return "connection refused at "
            + address
            + " — is redis-server running? Check host and port in the URL";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host '" + settings.host() + "' in the URL; check the host name";
      }
      if (t instanceof SSLException) {
        return "TLS handshake with "
            + address
            + " failed ("
            + message
            + "); check that the server speaks TLS on this port, or the 'verify' and 'cacert'"
            + " options";
      }
      if (t instanceof ClosedChannelException
          || message.contains("Connection closed")
          || message.contains("Connection disconnected")
          || message.contains("Currently not connected")
          || message.contains("Connection reset")
          || message.contains("Broken pipe")) {
        return "connection to "
            + address
            + " closed ("
            + (message.isEmpty() ? t.getClass().getSimpleName() : message)
            + "); the server went away or dropped the client"
            + (settings.isTls() ? "" : " (if it expects TLS, use a rediss:// URL)");
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
    return root == error
        ? message
        : message + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
