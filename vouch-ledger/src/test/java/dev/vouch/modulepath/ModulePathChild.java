package dev.vouch.modulepath;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.VouchException;
import dev.vouch.ledger.Ledger;
import java.nio.file.Path;

/**
 * Opens a ledger from the class path while Vouch and Chronicle sit on the module path ({@code JvmFlagsTest});
 * in its own package because the class path cannot add classes to {@code dev.vouch.ledger}, which the module owns.
 */
public final class ModulePathChild {
    private ModulePathChild() {
    }

    public static void main(String[] args) {
        try (Ledger ledger = Ledger.builder(Path.of(args[0])).keyFile(Path.of(args[1])).shutdownHook(false).open()) {
            ledger.record(Event.of(EventKind.TOOL_CALL).name("modulepath.check"));
            System.out.println("OPENED " + Ledger.class.getModule().getName() + " "
                    + Ledger.class.getModule().getLayer().findModule("chronicle.queue").isPresent());
        } catch (VouchException e) {
            System.out.println("REFUSED " + e.getMessage());
            System.exit(3);
        }
    }
}
