package dev.streamll;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Refines how {@link Streamll#instrument} traces a method (on the interface method, the
 * implementation method, or either type for all its methods).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Instrumented {

  /** The {@code operation} of the span; default {@code module_forward}. */
  String operation() default "";

  /** The {@code module_name}; default the implementation's simple class name. */
  String module() default "";

  /** Tags as {@code key=value} strings. */
  String[] tags() default {};

  /** Set false to leave a method untraced. */
  boolean enabled() default true;
}
