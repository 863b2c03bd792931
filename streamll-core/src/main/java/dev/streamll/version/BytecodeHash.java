package dev.streamll.version;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The {@link VersionStrategy#BYTECODE} hash: what a module's entry method does, as compiled.
 *
 * <p>Scope: the entry method (all overloads, in the most derived class declaring one), then
 * transitively every method it reaches inside the module: calls and method references to methods of
 * the class, its superclasses outside the JDK (calls through {@code this} dispatch to the most
 * derived override) and its nested classes; the synthetic {@code lambda$} bodies of its lambdas;
 * every method of a nested class it instantiates (anonymous classes are logic of the entry); and
 * the static initializer or constructors of a class whose fields it reads or writes (a prompt
 * template kept in a field is logic too). Without an entry method the whole class is the root.
 *
 * <p>What is hashed: per reached method, in discovery order, its static/synchronized/abstract/
 * native flags, name, descriptor, runtime-visible method and parameter annotations (prompt
 * templates and retry policies live there) and instructions with their operands and try/catch
 * blocks. Class files are read with {@link ClassReader#SKIP_DEBUG} and {@link
 * ClassReader#SKIP_FRAMES}, so line numbers, local variable names, the source file name and stack
 * map frames (derived from the code) never count: reformatting and comments do not change the hash.
 * Jump targets are numbered in code order, and compiler-numbered names ({@code lambda$forward$3},
 * anonymous classes {@code Module$2}) are renumbered in discovery order, so adding a lambda or an
 * anonymous class to an unrelated method does not shift the hash of this one.
 */
final class BytecodeHash {
  private static final int READ_FLAGS = ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES;
  private static final String FORMAT = "streamll-bytecode-1";
  private static final int HASHED_ACCESS =
      Opcodes.ACC_STATIC | Opcodes.ACC_SYNCHRONIZED | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE;
  private static final Pattern OBJECT_TYPE = Pattern.compile("L([^;<]+);");

  private BytecodeHash() {}

  /**
   * The hash of {@code moduleClass}'s logic reachable from {@code entryMethod} (null: the whole
   * class), or null when there is no class file to read (a hidden class without a host, a proxy of
   * JDK interfaces only).
   *
   * <p>A JDK proxy stands for its interfaces. A hidden class (a lambda passed as the module) stands
   * for its nest host's whole code: its body is one of the host's methods, and which one cannot be
   * told. A generated class without a class file (a CGLIB or ByteBuddy subclass) stands for its
   * nearest superclass that has one.
   */
  static String of(Class<?> moduleClass, String entryMethod) throws IOException {
    if (Proxy.isProxyClass(moduleClass)) {
      return ofInterfaces(moduleClass, entryMethod);
    }
    Class<?> target = moduleClass;
    String entry = entryMethod;
    if (target.isHidden()) {
      Class<?> host = target.getNestHost();
      if (host == target || host.isHidden()) {
        return null;
      }
      target = host;
      entry = null;
    }
    List<ClassModel> hierarchy = new ArrayList<>();
    for (Class<?> c = target; c != null && !ClassFiles.isPlatform(c); c = c.getSuperclass()) {
      byte[] bytes = ClassFiles.read(c);
      if (bytes == null) {
        if (hierarchy.isEmpty()) {
          continue;
        }
        break;
      }
      hierarchy.add(ClassModel.parse(bytes, ClassFiles.loaderOf(c)));
    }
    if (hierarchy.isEmpty()) {
      return null;
    }
    return new Scope(hierarchy).hash(entry);
  }

  /**
   * A JDK proxy (a LangChain4j AI service, a client stub) has no logic of its own: what defines it
   * is its interfaces, whose method annotations (prompt templates) and default methods are hashed.
   */
  private static String ofInterfaces(Class<?> proxyClass, String entryMethod) throws IOException {
    DigestWriter out = new DigestWriter();
    out.str(FORMAT);
    int hashed = 0;
    for (Class<?> type : proxyClass.getInterfaces()) {
      String hash = ClassFiles.isPlatform(type) ? null : of(type, entryMethod);
      if (hash != null) {
        out.str(hash);
        hashed++;
      }
    }
    return hashed == 0 ? null : Hashes.id(out.digest());
  }

  private record MethodId(String owner, String name, String desc) {}

  private record Ref(Kind kind, int opcode, String owner, String name, String desc) {}

  private enum Kind {
    CALL,
    HANDLE,
    NEW,
    FIELD
  }

  private static final class MethodModel {
    final String name;
    final String desc;
    final List<Ref> refs = new ArrayList<>();

    MethodModel(String name, String desc) {
      this.name = name;
      this.desc = desc;
    }
  }

  /** One class file: its reader (kept for hashing) and what each method refers to. */
  private static final class ClassModel {
    final ClassReader reader;
    final ClassLoader loader;
    final Map<String, MethodModel> methods = new LinkedHashMap<>();

    private ClassModel(ClassReader reader, ClassLoader loader) {
      this.reader = reader;
      this.loader = loader;
    }

    String name() {
      return reader.getClassName();
    }

    String superName() {
      return reader.getSuperName();
    }

    static ClassModel parse(byte[] bytes, ClassLoader loader) {
      ClassModel model = new ClassModel(new ClassReader(bytes), loader);
      model.reader.accept(
          new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(
                int access, String name, String desc, String signature, String[] exceptions) {
              MethodModel method = new MethodModel(name, desc);
              model.methods.put(name + desc, method);
              return new RefCollector(method.refs);
            }
          },
          READ_FLAGS);
      return model;
    }
  }

  /** Pass 1: what a method calls, references, instantiates and which fields it touches. */
  private static final class RefCollector extends MethodVisitor {
    private final List<Ref> refs;

    RefCollector(List<Ref> refs) {
      super(Opcodes.ASM9);
      this.refs = refs;
    }

    @Override
    public void visitMethodInsn(
        int opcode, String owner, String name, String desc, boolean isInterface) {
      refs.add(new Ref(Kind.CALL, opcode, owner, name, desc));
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String desc) {
      refs.add(new Ref(Kind.FIELD, opcode, owner, name, desc));
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      if (opcode == Opcodes.NEW) {
        refs.add(new Ref(Kind.NEW, opcode, type, null, null));
      }
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String desc, Handle bsm, Object... args) {
      for (Object arg : args) {
        handle(arg);
      }
    }

    @Override
    public void visitLdcInsn(Object value) {
      handle(value);
    }

    private void handle(Object value) {
      if (value instanceof Handle) {
        Handle h = (Handle) value;
        refs.add(new Ref(Kind.HANDLE, h.getTag(), h.getOwner(), h.getName(), h.getDesc()));
      }
    }
  }

  /** One computation: the classes in scope, the reached methods and the renumbered names. */
  private static final class Scope {
    private final List<ClassModel> hierarchy;
    private final Map<String, ClassModel> classes = new HashMap<>();
    private final Set<MethodId> reached = new LinkedHashSet<>();
    private final ArrayDeque<MethodId> queue = new ArrayDeque<>();
    private final Map<String, String> classAliases = new HashMap<>();
    private final Map<String, String> lambdaAliases = new HashMap<>();

    Scope(List<ClassModel> hierarchy) {
      this.hierarchy = hierarchy;
      for (ClassModel c : hierarchy) {
        classes.put(c.name(), c);
      }
    }

    String hash(String entry) {
      for (MethodId root : roots(entry)) {
        reach(root);
      }
      while (!queue.isEmpty()) {
        MethodId id = queue.poll();
        for (Ref ref : classes.get(id.owner()).methods.get(id.name() + id.desc()).refs) {
          follow(ref);
        }
      }
      DigestWriter out = new DigestWriter();
      out.str(FORMAT);
      for (MethodId id : reached) {
        hashMethod(id, out);
      }
      return Hashes.id(out.digest());
    }

    private List<MethodId> roots(String entry) {
      List<MethodId> roots = new ArrayList<>();
      if (entry != null) {
        for (ClassModel c : hierarchy) {
          for (MethodModel m : c.methods.values()) {
            if (m.name.equals(entry)) {
              roots.add(new MethodId(c.name(), m.name, m.desc));
            }
          }
          if (!roots.isEmpty()) {
            return roots;
          }
        }
      }
      ClassModel module = hierarchy.get(0);
      for (MethodModel m : module.methods.values()) {
        roots.add(new MethodId(module.name(), m.name, m.desc));
      }
      return roots;
    }

    private void reach(MethodId id) {
      if (reached.add(id)) {
        queue.add(id);
      }
    }

    private void follow(Ref ref) {
      switch (ref.kind()) {
        case CALL:
          call(ref.opcode(), ref.owner(), ref.name(), ref.desc());
          break;
        case HANDLE:
          handle(ref);
          break;
        case NEW:
          if (isNested(ref.owner())) {
            ClassModel nested = load(ref.owner());
            if (nested != null) {
              for (MethodModel m : nested.methods.values()) {
                reach(new MethodId(nested.name(), m.name, m.desc));
              }
            }
          }
          break;
        case FIELD:
          boolean isStatic = ref.opcode() == Opcodes.GETSTATIC || ref.opcode() == Opcodes.PUTSTATIC;
          initializers(ref.owner(), isStatic);
          break;
      }
    }

    private void handle(Ref ref) {
      switch (ref.opcode()) {
        case Opcodes.H_GETSTATIC:
        case Opcodes.H_PUTSTATIC:
          initializers(ref.owner(), true);
          break;
        case Opcodes.H_GETFIELD:
        case Opcodes.H_PUTFIELD:
          initializers(ref.owner(), false);
          break;
        case Opcodes.H_INVOKEVIRTUAL:
          call(Opcodes.INVOKEVIRTUAL, ref.owner(), ref.name(), ref.desc());
          break;
        case Opcodes.H_INVOKEINTERFACE:
          call(Opcodes.INVOKEINTERFACE, ref.owner(), ref.name(), ref.desc());
          break;
        default:
          call(Opcodes.INVOKESPECIAL, ref.owner(), ref.name(), ref.desc());
          break;
      }
    }

    /** Resolves a call the way the JVM would, starting at the most derived class for virtuals. */
    private void call(int opcode, String owner, String name, String desc) {
      if (!inScope(owner)) {
        return;
      }
      boolean dispatched = opcode == Opcodes.INVOKEVIRTUAL || opcode == Opcodes.INVOKEINTERFACE;
      String current = dispatched && isHierarchy(owner) ? hierarchy.get(0).name() : owner;
      while (current != null && inScope(current)) {
        ClassModel c = load(current);
        if (c == null) {
          return;
        }
        if (c.methods.containsKey(name + desc)) {
          reach(new MethodId(current, name, desc));
          return;
        }
        current = c.superName();
      }
    }

    private void initializers(String owner, boolean isStatic) {
      if (!inScope(owner)) {
        return;
      }
      ClassModel c = load(owner);
      if (c == null) {
        return;
      }
      for (MethodModel m : c.methods.values()) {
        if (isStatic ? m.name.equals("<clinit>") : m.name.equals("<init>")) {
          reach(new MethodId(c.name(), m.name, m.desc));
        }
      }
    }

    private boolean isHierarchy(String name) {
      for (ClassModel c : hierarchy) {
        if (c.name().equals(name)) {
          return true;
        }
      }
      return false;
    }

    private boolean isNested(String name) {
      return outerOf(name) != null;
    }

    private ClassModel outerOf(String name) {
      for (ClassModel c : hierarchy) {
        if (name.startsWith(c.name()) && name.startsWith("$", c.name().length())) {
          return c;
        }
      }
      return null;
    }

    private boolean inScope(String name) {
      return isHierarchy(name) || isNested(name);
    }

    private ClassModel load(String name) {
      if (classes.containsKey(name)) {
        return classes.get(name);
      }
      ClassModel loaded = null;
      ClassModel outer = outerOf(name);
      if (outer != null) {
        try {
          byte[] bytes = ClassFiles.read(outer.loader, name);
          loaded = bytes == null ? null : ClassModel.parse(bytes, outer.loader);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the class file of " + name, e);
        }
      }
      classes.put(name, loaded);
      return loaded;
    }

    private void hashMethod(MethodId id, DigestWriter out) {
      ClassModel c = classes.get(id.owner());
      c.reader.accept(
          new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(
                int access, String name, String desc, String signature, String[] exceptions) {
              if (!name.equals(id.name()) || !desc.equals(id.desc())) {
                return null;
              }
              out.tag('M');
              out.str(className(id.owner()));
              out.str(methodName(id.owner(), name));
              out.str(descriptor(desc));
              out.i(access & HASHED_ACCESS);
              return new HashingMethodVisitor(out);
            }
          },
          READ_FLAGS);
    }

    /** Anonymous and local classes of the module get names by discovery order. */
    String className(String internalName) {
      if (internalName.startsWith("[")) {
        return descriptor(internalName);
      }
      if (!isNested(internalName) || !isCompilerNumbered(internalName)) {
        return internalName;
      }
      String alias = classAliases.get(internalName);
      if (alias == null) {
        alias = "$anon" + classAliases.size();
        classAliases.put(internalName, alias);
      }
      return alias;
    }

    private static boolean isCompilerNumbered(String internalName) {
      String simple = internalName.substring(internalName.lastIndexOf('/') + 1);
      String[] parts = simple.split("\\$");
      for (int i = 1; i < parts.length; i++) {
        if (!parts[i].isEmpty() && Character.isDigit(parts[i].charAt(0))) {
          return true;
        }
      }
      return false;
    }

    /** Lambda bodies get names by discovery order. */
    String methodName(String owner, String name) {
      if (!name.startsWith("lambda$") || !inScope(owner)) {
        return name;
      }
      String key = owner + '.' + name;
      String alias = lambdaAliases.get(key);
      if (alias == null) {
        alias = "lambda$" + lambdaAliases.size();
        lambdaAliases.put(key, alias);
      }
      return alias;
    }

    String descriptor(String desc) {
      if (desc.indexOf('$') < 0) {
        return desc;
      }
      Matcher m = OBJECT_TYPE.matcher(desc);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Matcher.quoteReplacement("L" + className(m.group(1)) + ";"));
      }
      m.appendTail(sb);
      return sb.toString();
    }

    /** Pass 2: writes one method's instructions, with names renumbered, into the digest. */
    private final class HashingMethodVisitor extends MethodVisitor {
      private final DigestWriter out;
      private final Map<Label, Integer> labels = new HashMap<>();

      HashingMethodVisitor(DigestWriter out) {
        super(Opcodes.ASM9);
        this.out = out;
      }

      private int label(Label label) {
        Integer id = labels.get(label);
        if (id == null) {
          id = labels.size();
          labels.put(label, id);
        }
        return id;
      }

      @Override
      public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
        if (!visible) {
          return null;
        }
        out.tag('@');
        out.str(descriptor(desc));
        return new HashingAnnotationVisitor(out);
      }

      @Override
      public AnnotationVisitor visitParameterAnnotation(
          int parameter, String desc, boolean visible) {
        if (!visible) {
          return null;
        }
        out.tag('P');
        out.i(parameter);
        out.str(descriptor(desc));
        return new HashingAnnotationVisitor(out);
      }

      @Override
      public void visitInsn(int opcode) {
        out.i(opcode);
      }

      @Override
      public void visitIntInsn(int opcode, int operand) {
        out.i(opcode);
        out.i(operand);
      }

      @Override
      public void visitVarInsn(int opcode, int var) {
        out.i(opcode);
        out.i(var);
      }

      @Override
      public void visitTypeInsn(int opcode, String type) {
        out.i(opcode);
        out.str(className(type));
      }

      @Override
      public void visitFieldInsn(int opcode, String owner, String name, String desc) {
        out.i(opcode);
        out.str(className(owner));
        out.str(name);
        out.str(descriptor(desc));
      }

      @Override
      public void visitMethodInsn(
          int opcode, String owner, String name, String desc, boolean isInterface) {
        out.i(opcode);
        out.str(className(owner));
        out.str(methodName(owner, name));
        out.str(descriptor(desc));
      }

      @Override
      public void visitInvokeDynamicInsn(String name, String desc, Handle bsm, Object... args) {
        out.i(Opcodes.INVOKEDYNAMIC);
        out.str(name);
        out.str(descriptor(desc));
        constant(bsm);
        out.i(args.length);
        for (Object arg : args) {
          constant(arg);
        }
      }

      @Override
      public void visitJumpInsn(int opcode, Label label) {
        out.i(opcode);
        out.i(label(label));
      }

      @Override
      public void visitLabel(Label label) {
        out.tag('L');
        out.i(label(label));
      }

      @Override
      public void visitLdcInsn(Object value) {
        out.i(Opcodes.LDC);
        constant(value);
      }

      @Override
      public void visitIincInsn(int var, int increment) {
        out.i(Opcodes.IINC);
        out.i(var);
        out.i(increment);
      }

      @Override
      public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
        out.i(Opcodes.TABLESWITCH);
        out.i(min);
        out.i(max);
        out.i(label(dflt));
        for (Label target : targets) {
          out.i(label(target));
        }
      }

      @Override
      public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
        out.i(Opcodes.LOOKUPSWITCH);
        out.i(label(dflt));
        out.i(keys.length);
        for (int i = 0; i < keys.length; i++) {
          out.i(keys[i]);
          out.i(label(targets[i]));
        }
      }

      @Override
      public void visitMultiANewArrayInsn(String desc, int dims) {
        out.i(Opcodes.MULTIANEWARRAY);
        out.str(descriptor(desc));
        out.i(dims);
      }

      @Override
      public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        out.tag('T');
        out.i(label(start));
        out.i(label(end));
        out.i(label(handler));
        out.str(type == null ? "*" : className(type));
      }

      private void constant(Object value) {
        if (value instanceof Integer) {
          out.tag('I');
          out.i((Integer) value);
        } else if (value instanceof Float) {
          out.tag('F');
          out.i(Float.floatToRawIntBits((Float) value));
        } else if (value instanceof Long) {
          out.tag('J');
          out.l((Long) value);
        } else if (value instanceof Double) {
          out.tag('D');
          out.l(Double.doubleToRawLongBits((Double) value));
        } else if (value instanceof String) {
          out.tag('S');
          out.str((String) value);
        } else if (value instanceof Type) {
          out.tag('T');
          out.str(descriptor(((Type) value).getDescriptor()));
        } else if (value instanceof Handle) {
          Handle h = (Handle) value;
          out.tag('H');
          out.i(h.getTag());
          out.str(className(h.getOwner()));
          out.str(methodName(h.getOwner(), h.getName()));
          out.str(descriptor(h.getDesc()));
        } else if (value instanceof ConstantDynamic) {
          ConstantDynamic c = (ConstantDynamic) value;
          out.tag('C');
          out.str(c.getName());
          out.str(descriptor(c.getDescriptor()));
          constant(c.getBootstrapMethod());
          out.i(c.getBootstrapMethodArgumentCount());
          for (int i = 0; i < c.getBootstrapMethodArgumentCount(); i++) {
            constant(c.getBootstrapMethodArgument(i));
          }
        } else {
          out.tag('?');
          out.str(String.valueOf(value));
        }
      }
    }

    /** Annotation values (e.g. a retry policy) configure behaviour, so they count. */
    private final class HashingAnnotationVisitor extends AnnotationVisitor {
      private final DigestWriter out;

      HashingAnnotationVisitor(DigestWriter out) {
        super(Opcodes.ASM9);
        this.out = out;
      }

      @Override
      public void visit(String name, Object value) {
        out.str(String.valueOf(name));
        if (value instanceof Type) {
          out.str(descriptor(((Type) value).getDescriptor()));
        } else if (value != null && value.getClass().isArray()) {
          int length = Array.getLength(value);
          out.i(length);
          for (int i = 0; i < length; i++) {
            out.str(String.valueOf(Array.get(value, i)));
          }
        } else {
          out.str(value.getClass().getSimpleName() + ':' + value);
        }
      }

      @Override
      public void visitEnum(String name, String desc, String value) {
        out.str(String.valueOf(name));
        out.str(descriptor(desc));
        out.str(value);
      }

      @Override
      public AnnotationVisitor visitAnnotation(String name, String desc) {
        out.str(String.valueOf(name));
        out.tag('@');
        out.str(descriptor(desc));
        return this;
      }

      @Override
      public AnnotationVisitor visitArray(String name) {
        out.str(String.valueOf(name));
        out.tag('[');
        return this;
      }

      @Override
      public void visitEnd() {
        out.tag(']');
      }
    }
  }

  /** Length-prefixed values into SHA-256, so adjacent values cannot run into each other. */
  private static final class DigestWriter {
    private final MessageDigest digest = Hashes.sha256();
    private final byte[] buffer = new byte[8];

    void tag(char tag) {
      digest.update((byte) tag);
    }

    void i(int value) {
      for (int k = 0; k < 4; k++) {
        buffer[k] = (byte) (value >>> (24 - 8 * k));
      }
      digest.update(buffer, 0, 4);
    }

    void l(long value) {
      for (int k = 0; k < 8; k++) {
        buffer[k] = (byte) (value >>> (56 - 8 * k));
      }
      digest.update(buffer, 0, 8);
    }

    void str(String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      i(bytes.length);
      digest.update(bytes);
    }

    byte[] digest() {
      return digest.digest();
    }
  }
}
