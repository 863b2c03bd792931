package dev.streamll;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dynamic proxy behind {@link Streamll#instrument}: each interface method call becomes a span.
 * How a method is traced is resolved once per method and cached, so a call costs one map lookup
 * plus the span. Calls returning a {@link CompletionStage} end their span when the stage completes,
 * not when the method returns.
 */
final class InstrumentationProxy implements InvocationHandler {
  static final String DEFAULT_OPERATION = "module_forward";

  private record Plan(
      boolean traced,
      String module,
      String operation,
      Map<String, String> tags,
      VersionInfo version) {}

  private final Streamll streamll;
  private final Object impl;
  private final Class<?> implClass;
  private final Map<Method, Plan> plans = new ConcurrentHashMap<>();

  private InstrumentationProxy(Streamll streamll, Object impl) {
    this.streamll = streamll;
    this.impl = impl;
    this.implClass = impl.getClass();
  }

  static <T> T create(Streamll streamll, Class<T> type, T impl) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException(
          "instrument("
              + type.getName()
              + ", …) needs an interface; extract one the class"
              + " implements, or trace the class with streamll.trace(...)");
    }
    if (impl == null) {
      throw new IllegalArgumentException("instrument(" + type.getName() + ", null): impl is null");
    }
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(), new Class<?>[] {type}, new InstrumentationProxy(streamll, impl));
    return type.cast(proxy);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(proxy, method, args);
    }
    Plan plan = plans.computeIfAbsent(method, this::plan);
    if (!plan.traced) {
      return invokeImpl(method, args);
    }
    Span span =
        streamll
            .span(plan.operation)
            .module(plan.module)
            .method(method.getName())
            .tags(plan.tags)
            .version(plan.version)
            .start();
    boolean async = false;
    try {
      Object result = invokeImpl(method, args);
      if (result instanceof CompletionStage) {
        async = true;
        return ((CompletionStage<?>) result)
            .whenComplete(
                (value, error) -> {
                  if (error != null) {
                    span.fail(error);
                  }
                  span.close();
                });
      }
      return result;
    } catch (Throwable error) {
      span.fail(error);
      throw error;
    } finally {
      if (!async) {
        span.close();
      }
    }
  }

  private Object invokeImpl(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(impl, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Object objectMethod(Object proxy, Method method, Object[] args) throws Throwable {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "Instrumented[" + impl + "]";
      default:
        return invokeImpl(method, args);
    }
  }

  private Plan plan(Method method) {
    // Non-public interfaces (common in applications and tests) need this for Method.invoke.
    method.trySetAccessible();
    Instrumented onInterfaceMethod = method.getAnnotation(Instrumented.class);
    Instrumented onImplMethod = null;
    try {
      onImplMethod =
          implClass
              .getMethod(method.getName(), method.getParameterTypes())
              .getAnnotation(Instrumented.class);
    } catch (NoSuchMethodException e) {
      // A default method the implementation does not override: only the interface counts.
    }
    Instrumented onType = implClass.getAnnotation(Instrumented.class);
    Instrumented onInterface = method.getDeclaringClass().getAnnotation(Instrumented.class);
    Instrumented[] levels = {onImplMethod, onInterfaceMethod, onType, onInterface};

    boolean traced = true;
    String operation = null;
    String module = null;
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = levels.length - 1; i >= 0; i--) {
      Instrumented level = levels[i];
      if (level == null) {
        continue;
      }
      traced = level.enabled();
      if (!level.operation().isEmpty()) {
        operation = level.operation();
      }
      if (!level.module().isEmpty()) {
        module = level.module();
      }
      for (String tag : level.tags()) {
        int eq = tag.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "@Instrumented tag '" + tag + "' on " + method + " must look like key=value");
        }
        tags.put(tag.substring(0, eq), tag.substring(eq + 1));
      }
    }
    return new Plan(
        traced,
        module != null ? module : implClass.getSimpleName(),
        operation != null ? operation : DEFAULT_OPERATION,
        Map.copyOf(tags),
        traced ? streamll.versionOf(implClass, method.getName()) : VersionInfo.NONE);
  }
}
