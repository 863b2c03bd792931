package dev.streamll.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns amqp-client exceptions into messages a person can act on: which setting is at fault and
 * what to change. amqp-client reports broker refusals as a {@link ShutdownSignalException} (often
 * wrapped in an {@code IOException}) whose reason carries the AMQP reply code and text.
 */
final class BrokerErrors {
  private BrokerErrors() {}

  /** The AMQP close method behind {@code error}, or null if it was not a broker refusal. */
  static ShutdownSignalException shutdownSignal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException) {
        return (ShutdownSignalException) t;
      }
    }
    return null;
  }

  /** The broker's reply code, e.g. 404 or 406, or -1. */
  static int replyCode(Throwable error) {
    ShutdownSignalException signal = shutdownSignal(error);
    if (signal == null) {
      return -1;
    }
    Method reason = signal.getReason();
    if (reason instanceof AMQP.Channel.Close) {
      return ((AMQP.Channel.Close) reason).getReplyCode();
    }
    if (reason instanceof AMQP.Connection.Close) {
      return ((AMQP.Connection.Close) reason).getReplyCode();
    }
    return -1;
  }

  /** The broker's reply text, e.g. {@code NOT_FOUND - no exchange 'x' in vhost '/'}, or null. */
  static String replyText(Throwable error) {
    ShutdownSignalException signal = shutdownSignal(error);
    if (signal == null) {
      return null;
    }
    Method reason = signal.getReason();
    if (reason instanceof AMQP.Channel.Close) {
      return ((AMQP.Channel.Close) reason).getReplyText();
    }
    if (reason instanceof AMQP.Connection.Close) {
      return ((AMQP.Connection.Close) reason).getReplyText();
    }
    return null;
  }

  /** Explains a failure to connect and open the vhost. */
  static String connectFailure(RabbitMqSettings s, Throwable error) {
    String where = s.redactedUrl();
    if (error instanceof AuthenticationFailureException) {
      return where
          + ": login refused for user '"
          + s.user()
          + "' — check the user name and password in the URL ("
          + error.getMessage()
          + ")";
    }
    if (error instanceof PossibleAuthenticationFailureException) {
      return where
          + ": the broker closed the connection during login for user '"
          + s.user()
          + "' — most likely a wrong user name or password in the URL";
    }
    int code = replyCode(error);
    if (code == AMQP.NOT_ALLOWED || code == AMQP.ACCESS_REFUSED) {
      return where
          + ": vhost '"
          + s.vhost()
          + "' cannot be opened ("
          + replyText(error)
          + ") — check the vhost in the URL path (the default vhost is written as an empty path or"
          + " %2F) and that user '"
          + s.user()
          + "' has permissions on it";
    }
    Throwable root = rootCause(error);
    if (root instanceof ConnectException) {
      return where
          + ": cannot connect to "
          + s.host()
          + ":"
          + s.port()
          + " ("
          + root.getMessage()
          + ") — is RabbitMQ running there? Check host and port in the URL";
    }
    if (root instanceof EOFException || root instanceof SocketException) {
      return where
          + ": the connection to "
          + s.host()
          + ":"
          + s.port()
          + " was closed during the AMQP handshake ("
          + describe(root)
          + ") — the broker or a proxy in between dropped it; check that the port is an AMQP port"
          + (s.tls() ? " with TLS" : " without TLS (use amqps:// for a TLS port)")
          + " and that the broker is healthy";
    }
    if (root instanceof UnknownHostException) {
      return where + ": unknown host '" + s.host() + "' — check the host in the URL";
    }
    if (root instanceof SocketTimeoutException || root instanceof TimeoutException) {
      return where
          + ": no answer from "
          + s.host()
          + ":"
          + s.port()
          + " within connect_timeout_ms="
          + s.connectTimeoutMillis()
          + " — check host, port and firewalls"
          + (s.tls() ? " (amqps:// needs the broker's TLS port, usually 5671)" : "");
    }
    if (causedBy(error, SSLException.class)) {
      return where
          + ": TLS with "
          + s.host()
          + ":"
          + s.port()
          + " failed ("
          + describe(root)
          + ") — the broker's certificate must be trusted ("
          + (s.trust() != null
              ? "by the file in option 'truststore'"
              : "by the JVM's default trust store, or by a file given as option"
                  + " truststore=/path/to/ca.p12 with truststore_password")
          + ") and name the host in the URL; use amqp:// only for a plain-text port";
    }
    return where + ": " + describe(error);
  }

  /** A one-line description of any failure, preferring the broker's reply text. */
  static String describe(Throwable error) {
    String text = replyText(error);
    if (text != null) {
      return text;
    }
    Throwable root = rootCause(error);
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() + " (connection closed)" : message;
  }

  /**
   * Whether {@code type} is anywhere in the chain: a TLS failure's root is often not an {@link
   * SSLException} but what the handshake tripped over (a certificate path that does not validate).
   */
  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
