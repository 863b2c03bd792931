package dev.streamll.rabbitmq;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context for an {@code amqps://} URL's {@code truststore} option: a PKCS12 or JKS file of
 * the certificates to trust (a private CA, or the broker's own self-signed certificate) instead of
 * the JVM's default trust. Loaded when the URL is read, so a wrong path or password fails at
 * configure time, not at the first connection.
 */
final class TrustStores {
  private TrustStores() {}

  /**
   * @throws IllegalArgumentException naming the option at fault and the fix
   */
  static SSLContext load(Path file, String password, String redactedUrl) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "option 'truststore' in "
              + redactedUrl
              + ": cannot read "
              + file
              + "; give the path of a PKCS12 or JKS file holding the broker's CA certificate");
    }
    KeyStore store;
    try {
      store = KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "option 'truststore' in "
              + redactedUrl
              + ": "
              + file
              + " does not open as a PKCS12 or JKS store ("
              + e.getMessage()
              + "); check the file and option 'truststore_password'",
          e);
    }
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "option 'truststore' in "
              + redactedUrl
              + ": "
              + file
              + " holds no certificate this JVM can trust ("
              + e.getMessage()
              + ")",
          e);
    }
  }
}
