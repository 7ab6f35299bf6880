package dev.vouch.examples.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.verify.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example runs end to end: what the model read, what ran, and an intact journal. */
class LangChain4jExampleTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRunTheConversationAndLeaveAnIntactJournal() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Verdict verdict;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            verdict = LangChain4jExample.run(tmp.resolve("run"), out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(Verdict.INTACT, verdict, printed);
        assertTrue(printed.contains("model reads  wipe (call_2) [error]: Vouch did not run this call: policy no-wipes"
                + " blocked wipe: wiping orders is never allowed"), printed);
        assertTrue(printed.contains("model reads  refund (call_3): refund is awaiting approval by a person"), printed);
        assertTrue(printed.contains("it was approved and has run. Its result: refund r-7 of 900.0 issued"), printed);
        assertTrue(printed.contains("Tools that actually ran: [lookup 7, refund 7 900.0]"), printed);
    }
}
