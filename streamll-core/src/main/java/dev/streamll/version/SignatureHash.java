package dev.streamll.version;

import java.lang.reflect.GenericSignatureFormatError;
import java.lang.reflect.MalformedParameterizedTypeException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@link VersionStrategy#SIGNATURE} hash: the module class's public methods (declared or
 * inherited, without {@link Object}'s) as {@code [static ]ReturnType name(ParamType, ...)} with
 * generic types, sorted. Bodies, private methods and parameter names do not count, so it changes
 * only when the module's API does.
 */
final class SignatureHash {
  private SignatureHash() {}

  static String of(Class<?> moduleClass) {
    List<String> signatures = new ArrayList<>();
    for (Method m : moduleClass.getMethods()) {
      if (m.getDeclaringClass() == Object.class || m.isBridge() || m.isSynthetic()) {
        continue;
      }
      signatures.add(signature(m));
    }
    Collections.sort(signatures);
    return Hashes.id(String.join("\n", signatures));
  }

  static String signature(Method m) {
    StringBuilder sb = new StringBuilder();
    if (Modifier.isStatic(m.getModifiers())) {
      sb.append("static ");
    }
    Type returnType;
    Type[] parameterTypes;
    try {
      returnType = m.getGenericReturnType();
      parameterTypes = m.getGenericParameterTypes();
    } catch (GenericSignatureFormatError
        | MalformedParameterizedTypeException
        | TypeNotPresentException e) {
      // A generic signature that does not resolve still has an erased one.
      returnType = m.getReturnType();
      parameterTypes = m.getParameterTypes();
    }
    sb.append(returnType.getTypeName()).append(' ').append(m.getName()).append('(');
    for (int i = 0; i < parameterTypes.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(parameterTypes[i].getTypeName());
    }
    return sb.append(')').toString();
  }
}
