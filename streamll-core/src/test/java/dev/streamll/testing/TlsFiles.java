package dev.streamll.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed TLS material for a test broker and its client, made by the JDK's {@code keytool}
 * (nothing to download): a broker certificate for {@code localhost} and {@code 127.0.0.1}, a client
 * certificate, and for each side a PKCS12 truststore holding the other side's certificate.
 */
public record TlsFiles(
    Path brokerKeystore, Path brokerTruststore, Path clientKeystore, Path clientTruststore) {
  public static final String PASSWORD = "streamll-test";

  /** Makes the files in {@code directory}, which must exist. */
  public static TlsFiles create(Path directory) {
    TlsFiles files =
        new TlsFiles(
            directory.resolve("broker.p12"),
            directory.resolve("broker-truststore.p12"),
            directory.resolve("client.p12"),
            directory.resolve("client-truststore.p12"));
    Path brokerCertificate = directory.resolve("broker.pem");
    Path clientCertificate = directory.resolve("client.pem");
    keyPair(files.brokerKeystore, "broker", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
    keyPair(files.clientKeystore, "client", "CN=streamll-client", null);
    export(files.brokerKeystore, "broker", brokerCertificate);
    export(files.clientKeystore, "client", clientCertificate);
    trust(files.clientTruststore, "broker", brokerCertificate);
    trust(files.brokerTruststore, "client", clientCertificate);
    return files;
  }

  private static void keyPair(Path keystore, String alias, String name, String extension) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                name,
                "-validity",
                "2"));
    if (extension != null) {
      args.addAll(List.of("-ext", extension));
    }
    args.addAll(store(keystore));
    keytool(args);
  }

  private static void export(Path keystore, String alias, Path certificate) {
    List<String> args =
        new ArrayList<>(
            List.of("-exportcert", "-rfc", "-alias", alias, "-file", certificate.toString()));
    args.addAll(store(keystore));
    keytool(args);
  }

  private static void trust(Path truststore, String alias, Path certificate) {
    List<String> args =
        new ArrayList<>(
            List.of("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString()));
    args.addAll(store(truststore));
    keytool(args);
  }

  private static List<String> store(Path file) {
    return List.of(
        "-keystore",
        file.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
  }

  private static void keytool(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args.get(0) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
