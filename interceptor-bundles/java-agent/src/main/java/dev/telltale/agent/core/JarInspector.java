package dev.telltale.agent.core;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Hashes a location and reads its coordinates. Runs on the agent's own thread only: it reads
 * whole jars, which must never happen on a thread that is loading a class.
 */
final class JarInspector {
    private static final String POM = "pom.properties";

    /** What was found; fields are null when unknown. */
    static final class Result {
        byte[] sha256;
        long size = -1;
        Coordinates coordinates;
    }

    private JarInspector() {
    }

    /** Inspects a location; never throws (what could not be read stays null). */
    static Result inspect(Location loc) {
        return inspect(loc, true);
    }

    /**
     * Coordinates only, without hashing: what method tracing needs on a class-loading thread
     * (once per place) to match a place's purl. Null when unknown; never throws.
     */
    static Coordinates coordinates(Location loc) {
        return inspect(loc, false).coordinates;
    }

    private static Result inspect(Location loc, boolean hash) {
        Result r = new Result();
        try {
            switch (loc.kind) {
                case JAR:
                    jar(new File(loc.file), r, hash);
                    break;
                case NESTED_JAR:
                    nestedJar(loc, r, hash);
                    break;
                case DIR:
                    dir(Paths.get(loc.file), r);
                    break;
                case NESTED_DIR:
                    nestedDir(loc, r);
                    break;
                default:
                    break;
            }
        } catch (Exception | LinkageError e) {
            // unreadable or not a zip: the path alone is still worth reporting
        }
        String name = loc.kind == Location.Kind.JAR || loc.kind == Location.Kind.NESTED_JAR
                ? loc.path().substring(loc.path().lastIndexOf('/') + 1) : null;
        Coordinates byName = name == null ? null : Coordinates.fromFileName(name);
        r.coordinates = r.coordinates == null ? byName : r.coordinates.orElse(byName);
        return r;
    }

    private static void jar(File f, Result r, boolean hash) throws IOException {
        r.size = f.length();
        if (hash) {
            try (InputStream in = new FileInputStream(f)) {
                r.sha256 = drain(in, new Sha256());
            }
        }
        try (ZipFile z = new ZipFile(f)) {
            List<Coordinates> poms = new ArrayList<>();
            Manifest mf = null;
            for (Enumeration<? extends ZipEntry> es = z.entries(); es.hasMoreElements(); ) {
                ZipEntry e = es.nextElement();
                if (isPom(e.getName(), "")) {
                    try (InputStream in = z.getInputStream(e)) {
                        add(poms, Coordinates.fromPom(in));
                    }
                } else if (e.getName().equals("META-INF/MANIFEST.MF")) {
                    try (InputStream in = z.getInputStream(e)) {
                        mf = new Manifest(in);
                    }
                }
            }
            r.coordinates = choose(poms, mf, f.getName());
        }
    }

    /** Nested jars held in memory for reading their central directory; bigger ones are streamed. */
    static final int NESTED_IN_MEMORY = 64 << 20;

    /**
     * A jar inside a jar, hashed as the entry's bytes. Up to NESTED_IN_MEMORY it is read once
     * into memory and its metadata found through its central directory; bigger (or odd) ones
     * are streamed through ZipInputStream in the hashing pass.
     */
    private static void nestedJar(Location loc, Result r, boolean hash) throws IOException {
        try (ZipFile outer = new ZipFile(loc.file)) {
            ZipEntry e = outer.getEntry(loc.entry);
            if (e == null) {
                return;
            }
            r.size = e.getSize();
            String name = loc.entry.substring(loc.entry.lastIndexOf('/') + 1);
            if (e.getSize() >= 0 && e.getSize() <= NESTED_IN_MEMORY) {
                byte[] bytes;
                try (InputStream in = outer.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                Map<String, byte[]> meta = ZipBytes.read(bytes,
                        n -> isPom(n, "") || n.equals("META-INF/MANIFEST.MF"));
                if (meta != null) {
                    r.sha256 = hash ? new Sha256().digest(bytes) : null;
                    r.size = bytes.length;
                    List<Coordinates> poms = new ArrayList<>();
                    Manifest mf = null;
                    for (Map.Entry<String, byte[]> m : meta.entrySet()) {
                        if (m.getKey().equals("META-INF/MANIFEST.MF")) {
                            mf = new Manifest(new ByteArrayInputStream(m.getValue()));
                        } else {
                            add(poms, Coordinates.fromPom(new ByteArrayInputStream(m.getValue())));
                        }
                    }
                    r.coordinates = choose(poms, mf, name);
                    return;
                }
            }
            Sha256 md = new Sha256();
            List<Coordinates> poms = new ArrayList<>();
            Manifest mf = null;
            try (Hashing in = new Hashing(outer.getInputStream(e), md)) {
                try {
                    ZipInputStream zip = new ZipInputStream(new NoClose(in));
                    for (ZipEntry x; (x = zip.getNextEntry()) != null; ) {
                        if (isPom(x.getName(), "")) {
                            add(poms, Coordinates.fromPom(new NoClose(zip)));
                        } else if (x.getName().equals("META-INF/MANIFEST.MF")) {
                            mf = new Manifest(new NoClose(zip));
                        }
                    }
                } catch (IOException notReadable) {
                    // a zip ZipInputStream cannot stream (STORED with data descriptors): hash only
                }
                r.sha256 = hash ? drain(in, md) : null;
            }
            r.coordinates = choose(poms, mf, name);
        }
    }

    private static void dir(Path d, Result r) throws IOException {
        List<Coordinates> poms = new ArrayList<>();
        Path maven = d.resolve("META-INF/maven");
        if (Files.isDirectory(maven)) {
            try (Stream<Path> s = Files.walk(maven, 3)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.getFileName().toString().equals(POM)) {
                        try (InputStream in = Files.newInputStream(p)) {
                            add(poms, Coordinates.fromPom(in));
                        }
                    }
                }
            }
        }
        Manifest mf = null;
        Path m = d.resolve("META-INF/MANIFEST.MF");
        if (Files.isRegularFile(m)) {
            try (InputStream in = Files.newInputStream(m)) {
                mf = new Manifest(in);
            }
        }
        r.coordinates = choose(poms, mf, "");
    }

    private static void nestedDir(Location loc, Result r) throws IOException {
        String prefix = loc.entry + "/";
        try (ZipFile outer = new ZipFile(loc.file)) {
            List<Coordinates> poms = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> es = outer.entries(); es.hasMoreElements(); ) {
                ZipEntry e = es.nextElement();
                if (isPom(e.getName(), prefix)) {
                    try (InputStream in = outer.getInputStream(e)) {
                        add(poms, Coordinates.fromPom(in));
                    }
                }
            }
            r.coordinates = choose(poms, null, "");
        }
    }

    /** {@code <prefix>META-INF/maven/<group>/<artifact>/pom.properties}. */
    static boolean isPom(String name, String prefix) {
        if (!name.startsWith(prefix + "META-INF/maven/") || !name.endsWith("/" + POM)) {
            return false;
        }
        String mid = name.substring(prefix.length() + 15, name.length() - POM.length() - 1);
        return mid.indexOf('/') > 0 && mid.indexOf('/') == mid.lastIndexOf('/');
    }

    /**
     * One pom among several (a shaded jar carries its dependencies' too): the one whose
     * artifact the file is named after, else the only one; the manifest completes or replaces.
     */
    static Coordinates choose(List<Coordinates> poms, Manifest mf, String fileName) {
        Coordinates fromMf = mf == null ? null : Coordinates.fromManifest(mf);
        Coordinates pick = null;
        for (Coordinates c : poms) {
            if (!fileName.isEmpty() && fileName.startsWith(c.artifact + "-")
                    && (pick == null || c.artifact.length() > pick.artifact.length())) {
                pick = c;
            }
        }
        if (pick == null && poms.size() == 1) {
            pick = poms.get(0);
        }
        if (pick == null) {
            return fromMf == null || fromMf.artifact == null ? null : fromMf;
        }
        return fromMf == null || fromMf.version == null ? pick
                : pick.orElse(new Coordinates(null, null, fromMf.version, "manifest"));
    }

    private static void add(List<Coordinates> poms, Coordinates c) {
        if (c != null && poms.size() < 256) {
            poms.add(c);
        }
    }

    private static byte[] drain(InputStream in, Sha256 md) throws IOException {
        byte[] buf = new byte[65536];
        if (in instanceof Hashing) {
            while (in.read(buf) >= 0) {
                // the stream feeds the digest
            }
            return md.digest();
        }
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }

    /** Feeds what is read through it to a digest. */
    private static final class Hashing extends java.io.FilterInputStream {
        private final Sha256 md;
        private final byte[] one = new byte[1];

        Hashing(InputStream in, Sha256 md) {
            super(in);
            this.md = md;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                one[0] = (byte) b;
                md.update(one, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            long done = 0;
            for (int r; done < n && (r = read(buf, 0, (int) Math.min(buf.length, n - done))) > 0; ) {
                done += r;
            }
            return done;
        }
    }

    /** Keeps inner readers (Properties, Manifest, ZipInputStream) from closing the stream under them. */
    private static final class NoClose extends java.io.FilterInputStream {
        NoClose(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
