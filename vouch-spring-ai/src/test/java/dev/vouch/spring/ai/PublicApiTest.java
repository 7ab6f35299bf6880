package dev.vouch.spring.ai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The starter's public surface, listed so that it cannot grow unnoticed. */
class PublicApiTest {

    @Test
    void shouldExposeOnlyTheConfigurationThePropertiesTheApprovalsAndTheToolContextKey() throws Exception {
        assertEquals(List.of("VouchApprovals", "VouchAutoConfiguration", "VouchProperties", "VouchProperties$StallMode",
                "VouchToolContext"), publicTypes());
    }

    @Test
    void shouldKeepVouchApprovalsToItsFiveOperations() {
        TreeSet<String> methods = new TreeSet<>();
        for (Method m : VouchApprovals.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) {
                methods.add(m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        assertEquals(List.of("approveAndResume[long, class java.lang.String, class java.lang.String]",
                "approve[long, class java.lang.String, class java.lang.String]", "pending[]",
                "refuse[long, class java.lang.String, class java.lang.String]", "resume[long]"), List.copyOf(methods));
    }

    @Test
    void shouldDeclareNoPublicBeanMethods() {
        for (Method m : VouchAutoConfiguration.class.getDeclaredMethods()) {
            assertEquals(false, Modifier.isPublic(m.getModifiers()), m::toString);
        }
    }

    private static List<String> publicTypes() throws IOException, ClassNotFoundException {
        Path dir = Path.of(VouchApprovals.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .resolve("dev/vouch/spring/ai");
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.equals("package-info.class")) {
                    continue;
                }
                String name = file.substring(0, file.length() - ".class".length());
                Class<?> type = Class.forName("dev.vouch.spring.ai." + name);
                if (Modifier.isPublic(type.getModifiers())) {
                    out.add(name);
                }
            }
        }
        return List.copyOf(out);
    }
}
