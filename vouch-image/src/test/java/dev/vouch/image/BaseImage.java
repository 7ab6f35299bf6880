package dev.vouch.image;

import dev.vouch.ledger.JvmFlags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Assembles the base image the build's own test image is built FROM, because no registry is reachable here to pull a
 * standard JRE image from: a {@code jlink} runtime at {@code /opt/java/openjdk} (where the Temurin images keep theirs,
 * with the same {@code JAVA_HOME} and {@code PATH}), the shared libraries it links against ({@code ldd}: libc, the
 * loader, libz, libstdc++...), {@code /etc/passwd} and {@code /etc/group} naming the non-root user 65532, and a
 * world-writable {@code /tmp}. The result is a docker-save tar (manifest.json, config, one layer) that both Jib's
 * {@code tar://} base and {@code podman load} accept. Every entry is root's with a fixed time, so the same inputs give
 * the same bytes; an existing tar made from the same inputs is kept.
 *
 * <p>The runtime is a JDK 17 to 22 where one is installed, as the release image's {@code eclipse-temurin:17-jre} and
 * its JVM flags (the JDK 17 to 22 list) are. A machine with only JDK 23 or newer gets a runtime of that JDK instead,
 * with the JDK 23+ flags ({@link JvmFlags#jdk23Extras()}) built into it ({@code jlink --add-options}): the image's
 * entrypoint stays the release image's, and the gateway in it starts without the JDK's warnings.
 *
 * <p>Run by the build ({@code exec-maven-plugin}, before {@code jib:buildTar}):
 * {@code java -cp <test classpath> dev.vouch.image.BaseImage <jdk-home> <output.tar> [<release base image>]}. Not
 * shipped: users build FROM a standard JRE image (docs/DEPLOYMENT.md).
 */
public final class BaseImage {
    /**
     * What the server needs, from {@code jdeps --print-module-deps} over its runtime class path (java.compiler,
     * java.desktop for java.beans, java.naming, java.sql, jdk.management, jdk.unsupported), plus jdk.crypto.ec for the
     * gateway's TLS with EC certificates and java.management for the ledger's JVM flag check.
     */
    static final List<String> MODULES = List.of("java.base", "java.compiler", "java.desktop", "java.logging",
            "java.management", "java.naming", "java.sql", "java.xml", "jdk.crypto.ec", "jdk.management",
            "jdk.unsupported");
    static final String JAVA_HOME = "opt/java/openjdk";
    static final String USER = "65532";
    static final String TAG = "localhost/vouch-test-base:latest";
    /**
     * Native libraries of java.desktop's AWT, image and sound code. A headless server never loads them, so the X11,
     * font and sound libraries they link against are not copied.
     */
    private static final Set<String> DESKTOP_LIBRARIES = Set.of("libawt.so", "libawt_headless.so", "libawt_xawt.so",
            "libfontmanager.so", "libjawt.so", "libjavajpeg.so", "liblcms.so", "libmlib_image.so", "libsplashscreen.so",
            "libjsound.so");
    /** Bumped whenever what is put into the image changes, so a kept tar from an older recipe is rebuilt. */
    private static final String RECIPE = "1";
    /** The first JDK that needs {@link JvmFlags#jdk23Extras()}, and the first the release flags are not made for. */
    private static final int JDK23 = 23;
    private static final long MTIME = 1000L; // 1970-01-01T00:00:01Z, as Jib stamps its own files
    private static final Pattern LDD_LINE = Pattern.compile("^\\s*(\\S+)(?:\\s+=>\\s+(\\S+|not found))?(?:\\s+\\(0x[0-9a-f]+\\))?\\s*$");

    private BaseImage() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: BaseImage <jdk-home> <output.tar> [<release base image>]");
            System.exit(2);
        }
        Path jdk = jdk17(Path.of(args[0]).toRealPath(), args.length > 2 ? args[2] : "eclipse-temurin:17-jre");
        Path out = Path.of(args[1]).toAbsolutePath();
        long t0 = System.nanoTime();
        boolean built = build(jdk, out);
        System.out.printf("BaseImage: %s %s in %d ms%n", built ? "built" : "kept (inputs unchanged)", out,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * {@code jdk} if it is a JDK 17 to 22 (the image's JVM flags are that generation's list), else one such JDK
     * installed beside it or under /usr/lib/jvm, so a build on JDK 23+ still makes a JDK 17 base; else {@code jdk}.
     * A JDK 23+ {@code jdk} is then the base's runtime, which the one line printed here says; {@link #build} refuses a
     * JDK older than 17.
     *
     * @param releaseBase what the release image is built FROM (the pom's {@code vouch.image.from}), for that line
     */
    static Path jdk17(Path jdk, String releaseBase) throws IOException {
        if (inRange(jdk)) {
            return jdk;
        }
        for (Path dir : List.of(jdk.getParent(), Path.of("/usr/lib/jvm"))) {
            if (dir == null || !Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path candidate : s.sorted().toList()) {
                    if (inRange(candidate)) {
                        System.out.println("BaseImage: " + jdk + " is not JDK 17-22; using " + candidate);
                        return candidate.toRealPath();
                    }
                }
            }
        }
        int feature = feature(jdk);
        if (feature >= JDK23) {
            // An outside trial on a machine with only JDK 25 got "point -Dvouch.image.jdk at a JDK 17" here, and no
            // way to build or test anything in this module.
            System.out.println("BaseImage: no JDK 17-22 is installed (none beside " + jdk + " or in /usr/lib/jvm), so"
                    + " the test base is a jlink runtime of this JDK " + feature + " with the JDK 23+ flags ("
                    + String.join(" ", JvmFlags.jdk23Extras()) + ") built in; the release image is still FROM "
                    + releaseBase + " (to test on a JDK 17-22 instead: -Dvouch.image.jdk=<its home>)");
        }
        return jdk;
    }

    private static int feature(Path jdk) throws IOException {
        Path release = jdk.resolve("release");
        return Files.isRegularFile(release) ? feature(Files.readString(release, StandardCharsets.UTF_8)) : 0;
    }

    private static boolean inRange(Path jdk) throws IOException {
        int feature = feature(jdk);
        return feature >= 17 && feature < JDK23 && Files.isExecutable(jdk.resolve("bin/jlink"));
    }

    /**
     * Builds the base tar at {@code out} from the JDK at {@code jdk}, unless a tar made from the same inputs is there.
     * A JDK 23 or newer gets the JDK 23+ flags built into the runtime ({@code jlink --add-options}), since the
     * image's entrypoint has the JDK 17 to 22 list only.
     *
     * @return whether it was built (false: kept)
     * @throws IllegalStateException if the JDK is older than 17, or a library the runtime needs cannot be found
     */
    static boolean build(Path jdk, Path out) throws IOException, InterruptedException {
        String release = Files.readString(jdk.resolve("release"), StandardCharsets.UTF_8);
        int feature = feature(release);
        if (feature < 17) {
            throw new IllegalStateException("the image runs on Java 17 or newer, but " + jdk + " is JDK " + feature
                    + ": point -Dvouch.image.jdk at a JDK 17");
        }
        List<String> options = feature >= JDK23 ? JvmFlags.jdk23Extras() : List.of();
        Path stamp = out.resolveSibling(out.getFileName() + ".inputs");
        String inputs = "recipe " + RECIPE + "\njdk " + jdk + "\nmodules " + MODULES
                + (options.isEmpty() ? "" : "\noptions " + options) + "\n" + release;
        if (Files.exists(out) && Files.exists(stamp) && Files.readString(stamp).equals(inputs)) {
            return false;
        }
        Path work = out.resolveSibling(out.getFileName() + ".work");
        deleteTree(work);
        Files.createDirectories(work);
        Path runtime = work.resolve("runtime");
        List<String> jlink = new ArrayList<>(List.of(jdk.resolve("bin/jlink").toString(), "--add-modules",
                String.join(",", MODULES), "--strip-debug", "--no-man-pages", "--no-header-files"));
        if (!options.isEmpty()) {
            // Read by the JVM before its command line, and listed among its input arguments, where the ledger's
            // check looks for --sun-misc-unsafe-memory-access.
            jlink.add("--add-options=" + String.join(" ", options));
        }
        jlink.addAll(List.of("--output", runtime.toString()));
        run(jlink);

        Map<String, Path> libraries = libraries(runtime);
        Path layer = work.resolve("layer.tar");
        String diffId = writeLayer(layer, runtime, libraries);
        String config = config(diffId, feature, options);
        String configName = sha256(config.getBytes(StandardCharsets.UTF_8)) + ".json";
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + TAG + "\"],\"Layers\":[\"layer.tar\"]}]";

        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (TarArchiveOutputStream tar = tar(Files.newOutputStream(tmp))) {
            file(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8), 0644);
            file(tar, configName, config.getBytes(StandardCharsets.UTF_8), 0644);
            TarArchiveEntry e = entry("layer.tar", TarConstants.LF_NORMAL, 0644);
            e.setSize(Files.size(layer));
            tar.putArchiveEntry(e);
            Files.copy(layer, tar);
            tar.closeArchiveEntry();
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(stamp, inputs);
        deleteTree(work);
        return true;
    }

    /**
     * The shared libraries outside the runtime that its launcher, its JVM and its non-desktop native libraries load,
     * by the path the loader finds them at (what {@code ldd} prints), mapped to the file to copy there.
     */
    static Map<String, Path> libraries(Path runtime) throws IOException, InterruptedException {
        List<Path> binaries = new ArrayList<>();
        binaries.add(runtime.resolve("bin/java"));
        try (Stream<Path> s = Files.walk(runtime.resolve("lib"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".so"))
                    .filter(p -> !DESKTOP_LIBRARIES.contains(p.getFileName().toString()))
                    .sorted().forEach(binaries::add);
        }
        Path real = runtime.toRealPath();
        Map<String, Path> found = new TreeMap<>();
        for (Path binary : binaries) {
            for (String line : run(List.of("ldd", binary.toString())).split("\n")) {
                Matcher m = LDD_LINE.matcher(line);
                if (!m.matches() || line.contains("statically linked")) {
                    continue;
                }
                String name = m.group(1);
                String target = m.group(2);
                if (target == null) {
                    if (name.startsWith("/")) {
                        found.put(name, Path.of(name)); // the loader: /lib64/ld-linux-x86-64.so.2
                    }
                    continue; // linux-vdso.so.1: the kernel's
                }
                if (target.equals("not found")) {
                    if (name.equals("libjvm.so")) {
                        continue; // loaded by the launcher from lib/server before any library that names it
                    }
                    throw new IllegalStateException(binary + " needs " + name + ", which this machine does not have");
                }
                Path lib = Path.of(target).normalize();
                if (!lib.toRealPath().startsWith(real)) {
                    found.put(lib.toString(), lib.toRealPath());
                }
            }
        }
        return found;
    }

    private static String writeLayer(Path layer, Path runtime, Map<String, Path> libraries)
            throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (TarArchiveOutputStream tar = tar(new DigestOutputStream(Files.newOutputStream(layer), sha))) {
            Set<String> dirs = new HashSet<>();
            directories(tar, dirs, "etc");
            directories(tar, dirs, "home");
            directory(tar, "home/nonroot", 0755, USER);
            dirs.add("home/nonroot");
            directory(tar, "tmp", 01777, "0");
            dirs.add("tmp");
            file(tar, "etc/passwd", ("root:x:0:0:root:/root:/sbin/nologin\n"
                    + "nonroot:x:" + USER + ":" + USER + ":nonroot:/home/nonroot:/sbin/nologin\n")
                    .getBytes(StandardCharsets.US_ASCII), 0644);
            file(tar, "etc/group", ("root:x:0:\nnonroot:x:" + USER + ":\n").getBytes(StandardCharsets.US_ASCII), 0644);
            file(tar, "etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"
                    .getBytes(StandardCharsets.US_ASCII), 0644);

            List<Path> tree;
            try (Stream<Path> s = Files.walk(runtime)) {
                tree = s.sorted().toList();
            }
            for (Path p : tree) {
                String name = JAVA_HOME + (p.equals(runtime) ? "" : "/" + runtime.relativize(p).toString().replace('\\', '/'));
                if (Files.isSymbolicLink(p)) {
                    TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                    tar.putArchiveEntry(e);
                    tar.closeArchiveEntry();
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    directories(tar, dirs, name);
                } else {
                    copy(tar, name, p, Files.isExecutable(p) ? 0755 : 0644);
                }
            }
            for (Map.Entry<String, Path> lib : libraries.entrySet()) {
                String name = lib.getKey().substring(1);
                directories(tar, dirs, name.substring(0, name.lastIndexOf('/')));
                copy(tar, name, lib.getValue(), 0755);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static String config(String diffId, int feature, List<String> options) {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
        return "{\"created\":\"1970-01-01T00:00:00Z\",\"architecture\":\"" + arch + "\",\"os\":\"linux\","
                + "\"config\":{\"Env\":[\"PATH=/" + JAVA_HOME + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
                + ":/sbin:/bin\",\"JAVA_HOME=/" + JAVA_HOME + "\",\"LANG=C.UTF-8\"],"
                + "\"Labels\":{\"dev.vouch.base\":\"jlink JDK " + feature + " test base"
                + (options.isEmpty() ? "" : " with " + String.join(" ", options) + " built in") + ", not for release\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]},"
                + "\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"dev.vouch.image.BaseImage: jlink "
                + String.join(",", MODULES) + " and the libraries it links against\"}]}";
    }

    static int feature(String release) {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(release));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String v = p.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
        String first = v.split("[.+-]")[0];
        return Integer.parseInt(first.equals("1") ? v.split("\\.")[1] : first);
    }

    private static TarArchiveOutputStream tar(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setMode(mode | (type == TarConstants.LF_DIR ? 040000 : type == TarConstants.LF_SYMLINK ? 0120000 : 0100000));
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        e.setModTime(MTIME);
        return e;
    }

    private static void directory(TarArchiveOutputStream tar, String name, int mode, String owner) throws IOException {
        TarArchiveEntry e = entry(name + "/", TarConstants.LF_DIR, mode);
        e.setUserId(Integer.parseInt(owner));
        e.setGroupId(Integer.parseInt(owner));
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** Adds {@code path} and its parents that are not in {@code added} yet: root's, mode 0755. */
    private static void directories(TarArchiveOutputStream tar, Set<String> added, String path) throws IOException {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            directories(tar, added, path.substring(0, slash));
        }
        if (added.add(path)) {
            directory(tar, path, 0755, "0");
        }
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void copy(TarArchiveOutputStream tar, String name, Path source, int mode) throws IOException {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setSize(Files.size(source));
        tar.putArchiveEntry(e);
        Files.copy(source, tar);
        tar.closeArchiveEntry();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command; its standard output, or an exception with its output if it fails. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(buf);
        }
        int rc = p.waitFor();
        String out = buf.toString(StandardCharsets.UTF_8);
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + rc + "):\n" + out);
        }
        return out;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                if (!Files.isSymbolicLink(p)) {
                    p.toFile().setWritable(true);
                }
                Files.deleteIfExists(p);
            }
        }
    }
}
