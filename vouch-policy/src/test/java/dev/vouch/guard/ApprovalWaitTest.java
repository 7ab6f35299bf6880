package dev.vouch.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApprovalWaitTest {
    @Test
    void shouldWriteATimeoutAsAPolicyDoes() {
        // Approvers and auditors read it in the recorded reason, which said "no decision within PT2M".
        assertEquals("10m", ApprovalWait.policyText(Duration.ofMinutes(10)));
        assertEquals("1h30m", ApprovalWait.policyText(Duration.ofMinutes(90)));
        assertEquals("2s", ApprovalWait.policyText(Duration.ofSeconds(2)));
        assertEquals("200ms", ApprovalWait.policyText(Duration.ofMillis(200)));
        assertEquals("1m1s500ms", ApprovalWait.policyText(Duration.ofMillis(61_500)));
        assertEquals("25h", ApprovalWait.policyText(Duration.ofHours(25)));
        assertEquals("1ms", ApprovalWait.policyText(Duration.ofNanos(10)));
    }
}
