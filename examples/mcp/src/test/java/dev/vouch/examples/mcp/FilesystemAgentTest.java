package dev.vouch.examples.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.verify.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example runs end to end against the npm filesystem server and its journal verifies. */
class FilesystemAgentTest {
    @TempDir
    Path work;

    @Test
    void shouldBlockTheMoveWriteAfterApprovalAndVerifyTheJournal() throws Exception {
        Path servers = Path.of(System.getProperty("vouch.mcp.test.servers"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Verdict verdict = FilesystemAgent.run(work, servers, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(Verdict.INTACT, verdict, out);
        assertFalse(out.lines().filter(l -> l.startsWith("Tools the model sees")).findFirst().orElseThrow()
                .contains("move_file"), out);
        assertTrue(out.contains("ok            read_text_file notes.txt: buy milk"), out);
        assertTrue(out.contains("NOT RUN/ERROR move_file") && out.contains("files-stay-put"), out);
        assertTrue(out.contains("notes.txt still there: true; archive.txt exists: false"), out);
        assertEquals("call mum\n", Files.readString(work.resolve("files/todo.txt")));
    }
}
