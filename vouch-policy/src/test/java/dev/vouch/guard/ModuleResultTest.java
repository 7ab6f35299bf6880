package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool's record result from a named module whose package is not open to the guard's module: an outside trial's
 * modular application had such results journaled as {@code $vouch_type} only, with nothing said, where the class path
 * journaled their components. The encoder cannot read them; it says so once per class, with the line to add.
 */
class ModuleResultTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSayOnceWhenARecordsPackageIsNotOpenToTheGuard() throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Assumptions.assumeTrue(javac != null, "needs a JDK");
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("hid"));
        Files.createDirectories(src.resolve("api"));
        Files.writeString(src.resolve("module-info.java"), "module agent.hidden { exports api; }\n");
        Files.writeString(src.resolve("hid/Refund.java"), "package hid; public record Refund(String id, int cents) {}\n");
        Files.writeString(src.resolve("api/Tools.java"),
                "package api; public final class Tools { public static Object refund() { return new hid.Refund(\"r1\", 1050); } }\n");
        Path out = tmp.resolve("out");
        int status = javac.run(null, null, null, "-d", out.toString(), src.resolve("module-info.java").toString(),
                src.resolve("hid/Refund.java").toString(), src.resolve("api/Tools.java").toString());
        assertEquals(0, status);
        Configuration cf = ModuleLayer.boot().configuration().resolve(ModuleFinder.of(out), ModuleFinder.of(),
                Set.of("agent.hidden"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        Object refund = layer.findLoader("agent.hidden").loadClass("api.Tools").getMethod("refund").invoke(null);
        assertEquals("agent.hidden", refund.getClass().getModule().getName());

        PrintStream stderr = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        String first;
        String second;
        try {
            System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
            first = new String(ResultEncoder.json().encode(refund), StandardCharsets.UTF_8);
            second = new String(ResultEncoder.json().encode(List.of(refund)), StandardCharsets.UTF_8);
        } finally {
            System.setErr(stderr);
        }
        assertEquals("{\"$vouch_type\":\"hid.Refund\"}", first);
        assertEquals("[{\"$vouch_type\":\"hid.Refund\"}]", second);
        String log = said.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("Results of type hid.Refund are journaled as {\"$vouch_type\": ...} only")
                && log.contains("`opens hid to dev.vouch.policy;` to the module-info of agent.hidden"), log);
        assertEquals(1, log.split("Results of type hid.Refund", -1).length - 1, "said once: " + log);
    }
}
