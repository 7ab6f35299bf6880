package dev.vouch.ledger;

import dev.vouch.Event;
import dev.vouch.EventKind;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A writer in a child JVM for {@link ClockStepTest}, run under libfaketime with its wall clock read from a file:
 * it steps its own wall clock as NTP would ({@code +3 h}, then back {@code 2 h}), recording an event before and after
 * each step and printing whether the ledger calls itself ready. {@code ClockStepChild DIR KEYFILE CLOCKFILE}.
 */
public final class ClockStepChild {
    private ClockStepChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path clock = Path.of(args[2]);
        try (Ledger ledger = Ledger.builder(Path.of(args[0])).keyFile(Path.of(args[1])).origin("test.vouch.dev/clock")
                .shutdownHook(false).open()) {
            Event e = new Event();
            ledger.recordDurably(e.reset().kind(EventKind.NOTE).name("before"));
            step(clock, "+10800");
            ledger.recordDurably(e.reset().kind(EventKind.NOTE).name("after-forward"));
            out.println("READY " + ledger.status().ready() + " " + ledger.status().unsealedAge().toMillis());
            Thread.sleep(300); // a checkpoint is due 50 ms after an event; readiness must not count the step
            out.println("READY " + ledger.status().ready() + " " + ledger.status().checkpointAge().toMillis());
            step(clock, "+3600");
            ledger.recordDurably(e.reset().kind(EventKind.NOTE).name("after-back"));
            out.println("READY " + ledger.status().ready() + " " + ledger.status().unsealedAge().toMillis());
        }
        out.println("DONE");
        out.flush();
    }

    /** Sets the faked wall clock's offset and waits past the ledger clock's check interval (100 ms). */
    private static void step(Path clock, String offset) throws Exception {
        Files.writeString(clock, offset + "\n");
        Thread.sleep(250);
    }
}
