package dev.vouch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of the library jars (vouch-core, vouch-ledger, vouch-policy) is exactly the checked-in list
 * {@code public-api.txt}: every public type outside an {@code internal} package. A type made public by accident
 * fails the build; a deliberate change updates the list in the same commit, where a reviewer sees it.
 */
class PublicApiTest {
    private static final List<String> LIBRARIES = List.of("vouch-core", "vouch-ledger", "vouch-policy");

    @Test
    void shouldExportExactlyTheListedTypes() throws Exception {
        TreeSet<String> found = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.toString();
            if (LIBRARIES.stream().noneMatch(l -> name.contains(File.separator + l + File.separator)
                    || p.getFileName().toString().startsWith(l + "-"))) {
                continue;
            }
            for (String className : classNames(p)) {
                Class<?> c = Class.forName(className, false, getClass().getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && !c.getPackageName().contains(".internal")
                        && (c.getEnclosingClass() == null || Modifier.isPublic(c.getEnclosingClass().getModifiers()))
                        && !c.isAnonymousClass() && !c.isSynthetic()) {
                    found.add(c.getName());
                }
            }
        }
        List<String> listed = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/public-api.txt"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                listed.add(line.strip());
            }
        }
        assertEquals(String.join("\n", listed), String.join("\n", found),
                "the public API changed: update examples/src/test/resources/public-api.txt if that was meant");
    }

    /**
     * Each library jar has a module descriptor that exports, to everyone, exactly the packages of the listed types;
     * internal packages only to Vouch's own modules.
     */
    @Test
    void shouldExportExactlyTheApiPackagesFromTheModuleDescriptors() throws Exception {
        TreeSet<String> apiPackages = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/public-api.txt"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                apiPackages.add(line.strip().substring(0, line.strip().lastIndexOf('.')));
            }
        }
        TreeSet<String> exported = new TreeSet<>();
        TreeSet<String> modules = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (LIBRARIES.stream().noneMatch(l -> entry.contains(File.separator + l + File.separator)
                    || p.getFileName().toString().startsWith(l + "-"))) {
                continue;
            }
            ModuleDescriptor d = ModuleFinder.of(p).findAll().iterator().next().descriptor();
            assertFalse(d.isAutomatic(), entry + " has no module-info");
            modules.add(d.name());
            for (ModuleDescriptor.Exports e : d.exports()) {
                if (e.isQualified()) {
                    assertTrue(e.source().contains(".internal"), d.name() + " exports " + e.source() + " to " + e.targets());
                    assertTrue(e.targets().stream().allMatch(t -> t.startsWith("dev.vouch.")), e::toString);
                } else {
                    exported.add(e.source());
                }
            }
        }
        assertEquals(Set.of("dev.vouch.core", "dev.vouch.ledger", "dev.vouch.policy"), modules);
        assertEquals(apiPackages, exported);
    }

    private static List<String> classNames(Path entry) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(entry)) {
            try (Stream<Path> files = Files.walk(entry)) {
                files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().equals("module-info.class")
                                && !f.getFileName().toString().equals("package-info.class"))
                        .forEach(f -> names.add(entry.relativize(f).toString().replace(File.separatorChar, '.')
                                .replaceAll("\\.class$", "")));
            }
        } else if (entry.toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(entry.toFile())) {
                Enumeration<JarEntry> e = jar.entries();
                while (e.hasMoreElements()) {
                    String n = e.nextElement().getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF") && !n.endsWith("module-info.class")
                            && !n.endsWith("package-info.class")) {
                        names.add(n.replace('/', '.').replaceAll("\\.class$", ""));
                    }
                }
            }
        }
        return names;
    }
}
