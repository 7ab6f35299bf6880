package dev.vouch.ledger;

import dev.vouch.Event;
import dev.vouch.EventKind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reopens a journal on a full disk, then with room, in a child JVM that {@link TornTailTest} starts in its own mount
 * namespace with a small tmpfs at {@code MOUNT} holding the journal at {@code MOUNT/journal}. Never run by JUnit
 * itself.
 *
 * <p>{@code MOUNT KEYFILE}: fills the tmpfs with a file, opens the journal and prints {@code REFUSED message};
 * deletes the file, opens the journal again, records one event, closes and prints {@code REOPENED}, then
 * {@code DONE}. The caller's wrapper copies the journal out after the exit.
 */
public final class FullDiskReopenChild {
    private FullDiskReopenChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path mount = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        Path dir = mount.resolve("journal");
        Path filler = mount.resolve("filler");
        try (OutputStream f = Files.newOutputStream(filler)) {
            byte[] mib = new byte[1 << 20];
            while (true) {
                f.write(mib);
            }
        } catch (IOException full) {
            // the tmpfs is full
        }
        try {
            Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open().close();
            out.println("REFUSED nothing: the open succeeded on a full disk");
        } catch (RuntimeException refused) {
            out.println("REFUSED " + refused);
        }
        Files.delete(filler);
        try (Ledger ledger = Ledger.builder(dir).keyFile(keyFile).shutdownHook(false).open()) {
            ledger.record(new Event().kind(EventKind.NOTE).name("after").params("{}"));
        }
        out.println("REOPENED");
        out.println("DONE");
    }
}
