package dev.telltale.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Rewritten JDK-compiled fixtures, verified by the JVM, run, and their probes checked. */
class ClassRewriterTest {
    static final String SHAPES = String.join("\n",
            "package fx;",
            "import java.util.*;",
            "import java.util.function.*;",
            "public class Shapes implements java.io.Serializable {",
            "  static int counter;",
            "  private final int a; private long l; private double d;",
            "  public Shapes() { this(1); }",
            "  public Shapes(int a) { super(); this.a = a < 0 ? -a : a; }",
            "  public Shapes(long l, double d, String s) { this((int) l); this.l = l; this.d = d + s.length(); }",
            "  public static int sw(int x) { switch (x) { case 1: return 10; case 2: return 20; case 3: return 30;"
                    + " case 4: return 40; default: return -1; } }",
            "  public static int lookup(int x) { switch (x) { case 1: return 1; case 1000: return 2; case 100000: return 3;"
                    + " default: return 0; } }",
            "  public static String strSwitch(String s) { switch (s) { case \"a\": return \"A\"; case \"b\": return \"B\";"
                    + " default: return \"?\"; } }",
            "  public static int loop(int n) { for (;;) { if (--n < 0) return n; } }",
            "  public static int doLoop(int n) { do { counter += n; n--; } while (n > 0); return counter; }",
            "  public static int tryCatch(String s) { try { return Integer.parseInt(s); }"
                    + " catch (NumberFormatException e) { return -1; } finally { counter++; } }",
            "  public static double mix(long a, double b, int c, long[] arr, String[][] ss) {"
                    + " double r = a; for (long x : arr) { r += x * b; } return r + c + ss.length; }",
            "  public int lambdas(List<Integer> xs) { Function<Integer, Integer> f = x -> x + a; int s = 0;"
                    + " for (int x : xs) { s += f.apply(x); } return s; }",
            "  public int unused() { return 42; }",
            "  public static String sync(Object o) { synchronized (o) { return o.toString(); } }",
            "  public long longs(long x, double y) { long z = x; while (z > 0 && y > 0) { z -= 3; y -= 1; } return z; }",
            "  public static String uninit(boolean f) { return new StringBuilder(f ? \"a\" : \"b\").toString(); }",
            "  public class Inner { public int get() { return a; } }",
            "  public static abstract class Base { public abstract int f(); public int g() { return f() + 1; } }",
            "  public static Comparable<String> bridge() { return new Comparable<String>() {"
                    + " public int compareTo(String o) { return o.length(); } }; }",
            "}");
    static final String COLOR = "package fx; public enum Color { RED, GREEN; "
            + "public Color next() { return values()[(ordinal() + 1) % values().length]; } }";
    static final String SERVICE = "package fx; public interface Service { int f(); default int g() { return f() * 2; } }";
    static final String POINT = "package fx; public record Point(int x, int y) {"
            + " public Point { if (x < 0) { throw new IllegalArgumentException(); } }"
            + " public int sum() { return x + y; }"
            + " public String kind(Object o) { return switch (o) { case Integer i when i > 0 -> \"pos\"; case Integer i -> \"int\";"
            + " case String s -> \"str\"; default -> \"other\"; }; } }";
    static final String OLD = "package fx; public class Old { public int f(int x) { int r = 0;"
            + " for (int i = 0; i < x; i++) { r += i; } try { r += Integer.parseInt(\"\" + x); }"
            + " catch (RuntimeException e) { r = -1; } return r; } public static String s() { return \"old\"; } }";

    @Test
    void probesMarkExactlyTheExecutedMethods() throws Exception {
        for (String release : new String[] {"8", "11", "25"}) {
            Map<String, byte[]> classes = compile(release, Map.of("fx.Shapes", SHAPES, "fx.Color", COLOR, "fx.Service", SERVICE));
            RewriterLoader l = new RewriterLoader(classes);
            Class<?> c = l.loadClass("fx.Shapes");
            assertNull(RewriterLoader.probes(c), "no method ran yet");
            Object s = c.getConstructor().newInstance();
            assertEquals(20, c.getMethod("sw", int.class).invoke(null, 2));
            assertEquals(-1, c.getMethod("sw", int.class).invoke(null, 9));
            assertEquals(3, c.getMethod("lookup", int.class).invoke(null, 100000));
            assertEquals("B", c.getMethod("strSwitch", String.class).invoke(null, "b"));
            assertEquals(-1, c.getMethod("loop", int.class).invoke(null, 5));
            assertEquals(-1, c.getMethod("tryCatch", String.class).invoke(null, "x"));
            assertEquals(12, c.getMethod("tryCatch", String.class).invoke(null, "12"));
            assertEquals(12.5, c.getMethod("mix", long.class, double.class, int.class, long[].class, String[][].class)
                    .invoke(null, 1L, 0.5, 10, new long[] {1, 2}, new String[0][]));
            assertEquals(9, c.getMethod("lambdas", List.class).invoke(s, List.of(1, 2, 3)));
            assertEquals("k", c.getMethod("sync", Object.class).invoke(null, "k"));
            assertEquals(-2L, c.getMethod("longs", long.class, double.class).invoke(s, 10L, 100.0));
            assertEquals("b", c.getMethod("uninit", boolean.class).invoke(null, false));
            Object three = c.getConstructor(long.class, double.class, String.class).newInstance(3L, 1.5, "ab");
            assertNotNull(three);
            Set<String> expected = Set.of("<init>()", "<init>(int)", "<init>(long, double, String)", "sw(int)",
                    "lookup(int)", "strSwitch(String)", "loop(int)", "tryCatch(String)",
                    "mix(long, double, int, long[], String[][])", "lambdas(List)", "sync(Object)", "longs(long, double)", "uninit(boolean)");
            assertEquals(expected, marked(l, c), "release " + release);
            assertTrue(l.traced.get("fx.Shapes").contains("unused()"));
            assertTrue(l.traced.get("fx.Shapes").stream().noneMatch(m -> m.startsWith("lambda$")), "synthetic skipped");

            Class<?> inner = l.loadClass("fx.Shapes$Inner");
            Object in = inner.getConstructor(c).newInstance(s);
            assertEquals(1, inner.getMethod("get").invoke(in));
            assertEquals(Set.of("<init>(Shapes)", "get()"), marked(l, inner));

            Class<?> anon = l.loadClass("fx.Shapes$1");
            @SuppressWarnings("unchecked")
            Comparable<String> cmp = (Comparable<String>) c.getMethod("bridge").invoke(null);
            assertEquals(3, cmp.compareTo("abc"));
            assertTrue(marked(l, anon).contains("compareTo(String)"));
            assertFalse(l.traced.get("fx.Shapes$1").contains("compareTo(Object)"), "bridge skipped");

            Class<?> color = l.loadClass("fx.Color");
            Object red = color.getField("RED").get(null);
            assertEquals("GREEN", color.getMethod("next").invoke(red).toString());
            assertTrue(marked(l, color).containsAll(Set.of("next()", "values()")), marked(l, color).toString());

            Class<?> service = l.loadClass("fx.Service");
            assertFalse(l.traced.containsKey("fx.Service"), "interfaces are not rewritten");
            assertTrue(service.isInterface());
        }
    }

    @Test
    void recordsAndPatternSwitches() throws Exception {
        RewriterLoader l = new RewriterLoader(compile("25", Map.of("fx.Point", POINT)));
        Class<?> c = l.loadClass("fx.Point");
        Object p = c.getConstructor(int.class, int.class).newInstance(2, 3);
        assertEquals(5, c.getMethod("sum").invoke(p));
        assertEquals("pos", c.getMethod("kind", Object.class).invoke(p, 4));
        assertEquals("str", c.getMethod("kind", Object.class).invoke(p, "s"));
        assertEquals("Point[x=2, y=3]", p.toString());
        assertEquals(Set.of("<init>(int, int)", "sum()", "kind(Object)", "toString()"), marked(l, c));
    }

    @Test
    void oldClassVersionsGetNoFrames() throws Exception {
        Map<String, byte[]> classes = compile("8", Map.of("fx.Old", OLD));
        byte[] b = classes.get("fx.Old");
        b[7] = 49; // Java 5: the verifier infers types, StackMapTable is ignored
        ClassRewriter.Result r = ClassRewriter.rewrite(b);
        assertNotNull(r);
        assertEquals(49, r.bytes[7]);
        RewriterLoader l = new RewriterLoader(classes);
        Class<?> c = l.loadClass("fx.Old");
        Object o = c.getConstructor().newInstance();
        assertEquals(3 + 3, c.getMethod("f", int.class).invoke(o, 3));
        assertEquals(Set.of("<init>()", "f(int)"), marked(l, c));
    }

    @Test
    void serialVersionUidAndPublicShapeAreUnchanged() throws Exception {
        Map<String, byte[]> classes = compile("11", Map.of("fx.Shapes", SHAPES));
        Class<?> plain = new RewriterLoader(classes, false).loadClass("fx.Shapes");
        Class<?> traced = new RewriterLoader(classes).loadClass("fx.Shapes");
        assertEquals(ObjectStreamClass.lookup(plain).getSerialVersionUID(),
                ObjectStreamClass.lookup(traced).getSerialVersionUID());
        assertEquals(names(plain.getMethods()), names(traced.getMethods()));
        java.lang.reflect.Field f = traced.getDeclaredField(ClassRewriter.FIELD);
        assertTrue(Modifier.isPrivate(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
                && Modifier.isTransient(f.getModifiers()) && f.isSynthetic());
        Method init = traced.getDeclaredMethod(ClassRewriter.INIT);
        assertTrue(Modifier.isPrivate(init.getModifiers()) && init.isSynthetic());
    }

    @Test
    void signaturesUseSimpleNames() {
        assertEquals("createParser(String)", ClassRewriter.signature("createParser", "(Ljava/lang/String;)Lx/P;"));
        assertEquals("<init>(JsonFactory, int)",
                ClassRewriter.signature("<init>", "(Lcom/fasterxml/jackson/core/JsonFactory;I)V"));
        assertEquals("read(byte[], int, Entry, Entry[][])",
                ClassRewriter.signature("read", "([BILjava/util/Map$Entry;[[Ljava/util/Map$Entry;)V"));
        assertEquals("f()", ClassRewriter.signature("f", "()V"));
    }

    @Test
    void refusesWhatItCannotRewrite() {
        assertNull(ClassRewriter.rewrite(new byte[] {1, 2, 3}));
        assertNull(ClassRewriter.rewrite(new byte[0]));
        Map<String, byte[]> classes = compile("11", Map.of("fx.Shapes", SHAPES));
        byte[] b = classes.get("fx.Shapes");
        assertNull(ClassRewriter.rewrite(Arrays.copyOf(b, b.length / 2)));
        ClassRewriter.Result once = ClassRewriter.rewrite(b);
        assertNull(ClassRewriter.rewrite(once.bytes), "a traced class is not traced twice");
    }

    static Set<String> marked(RewriterLoader l, Class<?> c) throws ReflectiveOperationException {
        boolean[] p = RewriterLoader.probes(c);
        List<String> methods = l.traced.get(c.getName());
        Set<String> out = new TreeSet<>();
        for (int i = 0; p != null && i < p.length; i++) {
            if (p[i]) {
                out.add(methods.get(i));
            }
        }
        return out;
    }

    private static Set<String> names(Method[] ms) {
        Set<String> out = new TreeSet<>();
        for (Method m : ms) {
            out.add(m.toString());
        }
        return out;
    }

    /** Compiles sources in memory with javac's --release; class files by binary name. */
    static Map<String, byte[]> compile(String release, Map<String, String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Map<String, ByteArrayOutputStream> out = new HashMap<>();
        JavaFileManager fm = new ForwardingJavaFileManager<JavaFileManager>(javac.getStandardFileManager(null, null, null)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        out.put(className, b);
                        return b;
                    }
                };
            }
        };
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, src) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignore) {
                return src;
            }
        }));
        List<String> opts = List.of("--release", release, "-g", "-Xlint:-options");
        assertTrue(javac.getTask(null, fm, null, opts, null, units).call(), "javac --release " + release);
        Map<String, byte[]> classes = new HashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return classes;
    }
}
