package dev.vouch.ledger;

import dev.vouch.VouchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM flags the journal's storage (Chronicle Queue) needs, and a check that they are in force. The lists ship
 * in this jar as {@code META-INF/vouch/jvm-flags.txt} (JDK 17 and newer) and {@code META-INF/vouch/jvm-flags-jdk23.txt}
 * (added on JDK 23 and newer, which older JDKs refuse), generated from the build's one list; each is a valid
 * {@code java @argfile}. Build scripts should read them here rather than copy them (docs/OPERATIONS.md, "JVM flags").
 *
 * <p>{@link Ledger#builder}{@code .open()} runs {@link #check()} before Chronicle is touched, so a missing flag is a
 * {@link VouchException} that names it, not an {@code IllegalAccessException} from deep inside Chronicle.
 */
public final class JvmFlags {
    /** Where the flags are explained, for messages. */
    public static final String DOCS = "docs/OPERATIONS.md#jvm-flags";
    private static final String BASE = "/META-INF/vouch/jvm-flags.txt";
    private static final String JDK23 = "/META-INF/vouch/jvm-flags-jdk23.txt";
    private static final int JDK23_FEATURE = 23;
    private static final String CHRONICLE_CLASS = "net.openhft.chronicle.queue.ChronicleQueue";
    private static final Logger LOG = LoggerFactory.getLogger("dev.vouch.ledger");

    private JvmFlags() {
    }

    /** The flags for JDK 17 to 22; on 23 and newer add {@link #jdk23Extras()}. */
    public static List<String> base() {
        return read(BASE);
    }

    /** The flags JDK 23 and newer need besides {@link #base()}; JDK 17 to 22 refuse to start with them. */
    public static List<String> jdk23Extras() {
        return read(JDK23);
    }

    /** Every flag for a JDK of this feature version (17, 21, 25...). */
    public static List<String> forJdk(int feature) {
        List<String> all = new ArrayList<>(base());
        if (feature >= JDK23_FEATURE) {
            all.addAll(jdk23Extras());
        }
        return List.copyOf(all);
    }

    /** Every flag for the JDK running this code. */
    public static List<String> forRunningJdk() {
        return forJdk(Runtime.version().feature());
    }

    /**
     * The flags of {@link #forRunningJdk()} that are not in force in this JVM. System properties ({@code -D}) are
     * not listed: Vouch sets the ones it needs itself.
     */
    public static List<String> missing() {
        List<Module> storage = storageModules();
        List<String> missing = new ArrayList<>();
        for (String flag : forRunningJdk()) {
            List<Module> targets = flag.startsWith("--enable-native-access") ? nativeAccessModules(storage) : storage;
            if (!targets.stream().allMatch(target -> inForce(flag, target))) {
                missing.add(forTargets(flag, targets));
            }
        }
        return List.copyOf(missing);
    }

    /**
     * Checks that the JVM runs with the flags the storage needs. The JDK 23+ extras alone only make the JDK print
     * warnings, so when nothing else is missing they are logged at WARN, not an error.
     *
     * @throws VouchException listing every missing export or open, with where to read about them
     */
    public static void check() {
        List<String> missing = missing();
        List<String> extras = jdk23Extras();
        if (missing.isEmpty()) {
            return;
        }
        if (missing.stream().allMatch(flag -> extras.stream().anyMatch(extra -> sameOption(flag, extra)))) {
            LOG.warn("This JVM lacks {}: the journal works, but the JDK warns about Chronicle Queue's memory access"
                    + " and may refuse it in a later release; see {}", String.join(" ", missing), DOCS);
            return;
        }
        List<String> required = missing.stream()
                .filter(flag -> extras.stream().noneMatch(extra -> sameOption(flag, extra))).toList();
        List<String> optional = missing.stream().filter(flag -> !required.contains(flag)).toList();
        // The flags stand alone on their lines, so that they can be copied as they are (an outside trial copied a
        // list that ended with the sentence's full stop).
        throw new VouchException("this JVM lacks " + required.size() + " flag(s) the Vouch journal (Chronicle Queue)"
                + " needs on JDK " + Runtime.version().feature() + ":\n  " + String.join(" ", required)
                + (optional.isEmpty() ? "" : "\nand " + optional.size() + " more that only keep the JDK from warning:\n  "
                        + String.join(" ", optional))
                + "\nAdd them to the java command line (or JDK_JAVA_OPTIONS); see " + DOCS
                + ". The full list for this JDK is in the vouch-ledger jar, META-INF/vouch/jvm-flags.txt"
                + (Runtime.version().feature() >= JDK23_FEATURE ? " and jvm-flags-jdk23.txt" : "")
                + ", and in JvmFlags.forRunningJdk()"
                + (required.stream().anyMatch(f -> f.contains("=chronicle.")) ? " (those grant to ALL-UNNAMED, for the"
                        + " class path; on the module path grant them to the Chronicle modules, as above)" : "")
                + onlySome());
    }

    /**
     * On the module path, when the flags are in force for some of the modules they must grant to and not for others,
     * which ones lack them: an outside trial left {@code chronicle.threads} out of each flag and was told of "10 flags"
     * missing, the whole list again.
     */
    private static String onlySome() {
        List<Module> storage = storageModules();
        if (storage.size() < 2) {
            return "";
        }
        java.util.Set<String> lacking = new java.util.TreeSet<>();
        java.util.Set<String> all = new java.util.TreeSet<>();
        for (String flag : forRunningJdk()) {
            for (Module target : flag.startsWith("--enable-native-access") ? nativeAccessModules(storage) : storage) {
                all.add(target.getName());
                if (!inForce(flag, target)) {
                    lacking.add(target.getName());
                }
            }
        }
        return lacking.isEmpty() || lacking.size() == all.size() ? ""
                : "\nThe flags given are in force for the other modules; they lack only " + String.join(", ", lacking)
                        + ": add " + (lacking.size() == 1 ? "it" : "them") + " to each flag's list of modules";
    }

    /** Whether two flags differ at most in the modules they grant to. */
    private static boolean sameOption(String flag, String shipped) {
        int eq = shipped.lastIndexOf('=');
        return flag.equals(shipped) || (eq > 0 && shipped.endsWith("=ALL-UNNAMED")
                && flag.startsWith(shipped.substring(0, eq + 1)));
    }

    private static boolean inForce(String flag, Module target) {
        if (flag.startsWith("-D")) {
            return true;
        }
        int eq = flag.indexOf('=');
        String option = eq < 0 ? flag : flag.substring(0, eq);
        String value = eq < 0 ? "" : flag.substring(eq + 1);
        switch (option) {
            case "--add-exports", "--add-opens" -> {
                // module/package=ALL-UNNAMED
                int slash = value.indexOf('/');
                int to = value.indexOf('=');
                String moduleName = value.substring(0, slash);
                String pkg = value.substring(slash + 1, to < 0 ? value.length() : to);
                Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
                if (module.isEmpty()) {
                    return true; // a runtime image without that module (jlink): nothing to export
                }
                return option.equals("--add-exports") ? module.get().isExported(pkg, target)
                        : module.get().isOpen(pkg, target);
            }
            case "--enable-native-access" -> {
                try {
                    Method enabled = Module.class.getMethod("isNativeAccessEnabled");
                    return (Boolean) enabled.invoke(target);
                } catch (ReflectiveOperationException e) {
                    return true; // a JDK without native-access control
                }
            }
            default -> {
                // Options with no runtime query (--sun-misc-unsafe-memory-access): look at the command line.
                return ManagementFactory.getRuntimeMXBean().getInputArguments().contains(flag);
            }
        }
    }

    /**
     * The modules Chronicle's classes live in, found without initialising them: the unnamed module on the class path
     * (where the shipped flags grant to ALL-UNNAMED); on the module path, every automatic {@code chronicle.*} module,
     * since the reflective access is spread over several of Chronicle's jars.
     */
    private static List<Module> storageModules() {
        ClassLoader loader = JvmFlags.class.getClassLoader();
        Module storage;
        try {
            storage = Class.forName(CHRONICLE_CLASS, false, loader).getModule();
        } catch (ClassNotFoundException | LinkageError e) {
            storage = (loader == null ? ClassLoader.getSystemClassLoader() : loader).getUnnamedModule();
        }
        if (!storage.isNamed() || storage.getLayer() == null) {
            return List.of(storage);
        }
        List<Module> chronicle = new ArrayList<>();
        for (Module m : storage.getLayer().modules()) {
            if (m.getName().startsWith("chronicle.")) {
                chronicle.add(m);
            }
        }
        chronicle.sort(Comparator.comparing(Module::getName));
        return List.copyOf(chronicle);
    }

    /**
     * The modules that call native code for the storage: Chronicle's, and on the module path also JNA and JNR's jffi
     * (through which Chronicle reserves disk space), which are modules of their own there. An outside trial on JDK 25
     * gave the listed flags and still got the JDK's "restricted method" warnings from those two.
     */
    private static List<Module> nativeAccessModules(List<Module> storage) {
        if (!storage.get(0).isNamed() || storage.get(0).getLayer() == null) {
            return storage;
        }
        List<Module> out = new ArrayList<>(storage);
        for (String name : List.of("com.sun.jna", "org.jnrproject.jffi")) {
            storage.get(0).getLayer().findModule(name).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(Module::getName));
        return List.copyOf(out);
    }

    /** {@code flag} as the JVM must be given it for {@code targets}: the shipped form names ALL-UNNAMED. */
    private static String forTargets(String flag, List<Module> targets) {
        if (!targets.get(0).isNamed() || !flag.endsWith("=ALL-UNNAMED")) {
            return flag;
        }
        StringJoiner names = new StringJoiner(",");
        targets.forEach(m -> names.add(m.getName()));
        return flag.substring(0, flag.length() - "ALL-UNNAMED".length()) + names;
    }

    private static List<String> read(String resource) {
        try (InputStream in = JvmFlags.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the vouch-ledger jar lacks " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? List.of() : List.copyOf(Arrays.asList(text.split("\\s+")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
