package dev.vouch.examples.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vouch.verify.VerificationReport;
import dev.vouch.verify.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example runs as documented: what the model read, the approval, and an intact, sealed journal. */
class SpringAiExampleTest {

    @Test
    void shouldShowTheModelEachOutcomeAndLeaveAnIntactSealedJournal(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VerificationReport report = SpringAiExample.run(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(Verdict.INTACT, report.verdict(), out);
        assertTrue(report.sealed(), out);
        assertTrue(out.contains("read_order -> {\"id\":42,\"customer\":\"customer-7\",\"status\":\"lost in transit\","
                + "\"total\":249.9}"), out);
        assertTrue(out.contains("refund_payment -> refund_payment is awaiting approval by a person (policy"
                + " refunds-need-a-person: Refunds above 100 need a second pair of eyes; call seq "), out);
        assertTrue(out.contains("close_account -> Vouch did not run this call: policy accounts-stay-open blocked"
                + " close_account: Accounts are closed by people, not agents"), out);
        assertTrue(out.contains("Approved and resumed: {\"refund\":\"re_42_1\",\"order\":42,\"amount\":249.9}"), out);
        assertTrue(out.contains("Journal health: UP"), out);
    }
}
