package dev.vouch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void shouldWriteATimeoutAsAPolicyDoes() {
        // Approvers and auditors read it in the recorded reason, which said "no decision within PT2M".
        assertEquals("10m", Durations.policyText(Duration.ofMinutes(10)));
        assertEquals("1h30m", Durations.policyText(Duration.ofMinutes(90)));
        assertEquals("2s", Durations.policyText(Duration.ofSeconds(2)));
        assertEquals("200ms", Durations.policyText(Duration.ofMillis(200)));
        assertEquals("1m1s500ms", Durations.policyText(Duration.ofMillis(61_500)));
        assertEquals("25h", Durations.policyText(Duration.ofHours(25)));
        assertEquals("1ms", Durations.policyText(Duration.ofNanos(10)));
    }
}
