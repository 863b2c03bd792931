package dev.streamll.version;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.URL;

/**
 * Finds class files the way the JVM found the classes: as resources of their class loader, so
 * modules loaded from jars, directories or nested jars are read alike.
 */
final class ClassFiles {
  private ClassFiles() {}

  static String resourceName(String internalName) {
    return internalName + ".class";
  }

  /** The class file of {@code cls}, or null when it has none (proxies, hidden or generated). */
  static byte[] read(Class<?> cls) throws IOException {
    if (!hasClassFile(cls)) {
      return null;
    }
    return read(loaderOf(cls), cls.getName().replace('.', '/'));
  }

  /** The class file named {@code internalName} as {@code loader} sees it, or null. */
  static byte[] read(ClassLoader loader, String internalName) throws IOException {
    try (InputStream in = loader.getResourceAsStream(resourceName(internalName))) {
      return in == null ? null : in.readAllBytes();
    }
  }

  /**
   * The root of the jar or directory the class was loaded from, as a URL string ending in {@code /}
   * (e.g. {@code jar:file:/app.jar!/} or {@code file:/build/classes/}), or null when unknown.
   */
  static String root(Class<?> cls) {
    if (!hasClassFile(cls)) {
      return null;
    }
    String resource = resourceName(cls.getName().replace('.', '/'));
    URL url = loaderOf(cls).getResource(resource);
    if (url == null) {
      return null;
    }
    String location = url.toString();
    if (!location.endsWith(resource)) {
      return null;
    }
    return location.substring(0, location.length() - resource.length());
  }

  static ClassLoader loaderOf(Class<?> cls) {
    ClassLoader loader = cls.getClassLoader();
    return loader != null ? loader : ClassLoader.getSystemClassLoader();
  }

  /** Whether the class comes from the JDK rather than the application. */
  static boolean isPlatform(Class<?> cls) {
    ClassLoader loader = cls.getClassLoader();
    return loader == null || loader == ClassLoader.getPlatformClassLoader();
  }

  private static boolean hasClassFile(Class<?> cls) {
    return !cls.isHidden()
        && !cls.isArray()
        && !cls.isPrimitive()
        && !Proxy.isProxyClass(cls)
        && !cls.getName().contains("/");
  }
}
