package dev.vouch.cli;

import dev.vouch.JournalCorruptException;
import dev.vouch.VouchException;
import dev.vouch.internal.PlatformNames;
import dev.vouch.internal.VouchVersion;
import dev.vouch.mcpproxy.McpProxyMain;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vouch}: the offline audit command line. A thin layer over {@link dev.vouch.verify.JournalVerifier} and
 * {@link dev.vouch.ledger.JournalReader} that maps results to exit codes: {@value #EXIT_OK} when a journal is
 * intact, {@value #EXIT_FAILED} when it is tampered or incomplete (or a command's check did not pass),
 * {@value #EXIT_USAGE} for usage and I/O errors.
 *
 * <p>Standard output carries only the command's result, so that it can be parsed; messages, warnings, logs and
 * progress go to standard error. {@link #main} enforces that by pointing {@code System.out} at standard error
 * before any library loads: a stray {@code System.out.println} in a dependency cannot corrupt the output.
 */
@Command(
        name = "vouch",
        mixinStandardHelpOptions = true,
        versionProvider = VouchCli.Version.class,
        description = {
            "Audits Vouch journals offline: verifies the hash chain, the Merkle checkpoints and their signatures,"
                    + " exports and shows records, and manages the signing key. Also runs the HTTP gateway (serve)"
                    + " and answers the calls waiting in it (approvals, approve, reject, rekey --server, token).",
            "vouch mcp-proxy [OPTIONS] -- SERVER_COMMAND...: an MCP proxy on stdio that guards and records every"
                    + " tools/call of the server behind it (vouch mcp-proxy --help; vouch-mcp-proxy/README.md).",
        },
        subcommands = {
            VerifyCommand.class,
            StatusCommand.class,
            StatsCommand.class,
            EventsCommand.class,
            RiskCommand.class,
            TailCommand.class,
            ReportCommand.class,
            ExportCommand.class,
            ShowCommand.class,
            CheckpointCommand.class,
            ProveCommand.class,
            CheckProofCommand.class,
            ConsistencyCommand.class,
            CheckConsistencyCommand.class,
            CheckPolicyCommand.class,
            PubkeyCommand.class,
            RekeyCommand.class,
            TasksCommand.class,
            ServeCommand.class,
            ApprovalsCommand.class,
            DecideCommand.Approve.class,
            DecideCommand.Reject.class,
            TokenCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success; for verify: the journal is intact",
            "1:the journal is tampered or incomplete, or a command's check did not pass",
            "2:usage error, or a file that cannot be read (missing journal, bad key file)",
            "141:the reader of a reading command's output left (show, tasks... | head)",
        })
public final class VouchCli implements Runnable {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /**
     * A {@link ReadingCommand} whose reader left, as a shell reports a command that SIGPIPE ended (128 + 13): the JVM
     * ignores SIGPIPE, so the CLI returns that code itself.
     */
    static final int EXIT_READER_LEFT = 141;
    /** Records between checks that standard output is still open (a reader such as {@code head} may leave). */
    static final int OUTPUT_CHECK_INTERVAL = 4096;

    @Spec
    CommandSpec spec;

    VouchCli() {
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }

    public static void main(String[] args) {
        // The result goes straight to file descriptor 1; System.out, which libraries use, now leads to stderr.
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        PlatformNames.standardErrorInUtf8();
        System.setOut(System.err);
        String unreadable = PlatformNames.problem(args); // in a C locale: an answer about other names, exit 0
        if (unreadable != null) {
            System.err.println("vouch: " + unreadable);
            System.exit(EXIT_USAGE);
        }
        String[] proxy = mcpProxyArgs(args);
        if (proxy != null) {
            // Before picocli: the proxy's own options and the server's command line reach it unparsed, and
            // standard output carries MCP only.
            OutputStream mcp = new BufferedOutputStream(stdout, 1 << 16);
            System.exit(McpProxyMain.run(proxy, System.in, mcp, System.err));
        }
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = run(out, err, VouchCli::standardOutputIsAPipe, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * The MCP proxy's own arguments if {@code args} run it ({@code vouch mcp-proxy ...}, or {@code vouch help
     * mcp-proxy}, which CLI.md promises is {@code --help} as for every command: an outside trial got "Unknown
     * subcommand"), else null.
     */
    static String[] mcpProxyArgs(String[] args) {
        if (args.length > 0 && args[0].equals("mcp-proxy")) {
            return Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length == 2 && args[0].equals("help") && args[1].equals("mcp-proxy")) {
            return new String[] {"--help"};
        }
        return null;
    }

    /** Runs one command line with these writers, {@code out} not a pipe; returns the exit code. Used by the tests. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, () -> false, args);
    }

    /**
     * Runs one command line with these writers; returns the exit code. {@code outIsAPipe} is asked only after
     * {@code out} failed.
     */
    static int run(PrintWriter out, PrintWriter err, BooleanSupplier outIsAPipe, String... args) {
        CommandLine cl = commandLine(out, err);
        try {
            int code;
            try {
                code = cl.execute(args);
            } catch (OutOfMemoryError e) {
                // Picocli passes errors on; without this the JVM printed its own trace and the user learnt nothing
                // of the heap or how to raise it. What the command held is unreachable by now.
                err.println(qualifiedName(cl) + ": out of memory: " + outOfMemory(Runtime.getRuntime().maxMemory()));
                return EXIT_USAGE;
            }
            // A PrintWriter keeps its errors to itself: an outside trial's `vouch export > /dev/full` and
            // `vouch checkpoint > saved.txt` on a full disk exited 0 with the output empty. checkError() flushes first.
            if (out.checkError() && !serving(cl)) {
                if (command(cl) instanceof ReadingCommand && outIsAPipe.getAsBoolean()) {
                    // Writing to a pipe fails only when its reader left (EPIPE): `vouch show ... | less`, quit early.
                    return EXIT_READER_LEFT;
                }
                err.println(qualifiedName(cl) + ": standard output could not be written (closed early, or the disk is"
                        + " full): what it received is incomplete");
                return code == EXIT_OK || code == EXIT_FAILED ? EXIT_USAGE : code;
            }
            if (code == EXIT_OK && command(cl) instanceof ReadingCommand reading && reading.unverifiedJournal() != null) {
                // On standard error, so that standard output stays exactly the records, tree or JSON a script reads.
                err.println(qualifiedName(cl) + ": not verified: " + notVerified(reading.unverifiedJournal()));
            }
            return code;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** What to do when a command ran out of heap, whose limit is {@code maxHeap} bytes. */
    static String outOfMemory(long maxHeap) {
        if (maxHeap < 32L << 20) {
            // Below that the JVM and the CLI's own classes are what fills it (an outside trial's -Xmx8m verify was
            // told that the journal did, and to try -Xmx8g).
            return "the Java heap (at most " + (maxHeap >> 20) + " MiB) is too small for the command itself; give it"
                    + " at least 64 MiB, e.g. VOUCH_JAVA_OPTS=-Xmx64m (docs/CLI.md, 'Memory')";
        }
        return "the Java heap (at most " + (maxHeap >> 20) + " MiB) cannot hold what this command keeps of the journal;"
                + " run it again with a larger heap, e.g. VOUCH_JAVA_OPTS=-Xmx8g (docs/CLI.md, 'Memory')";
    }

    /** The gateway prints one line and then serves: a closed standard output changes nothing of what it does. */
    private static boolean serving(CommandLine cl) {
        CommandLine.ParseResult r = cl.getParseResult();
        return r != null && r.subcommand() != null && r.subcommand().commandSpec().name().equals("serve");
    }

    /** What a reading command's output is, and how to check it (one sentence for {@code status} and the others). */
    static String notVerified(Path journal) {
        return "this is what the records say; run 'vouch verify " + journal + " --pubkey <key>' to check them";
    }

    /** The subcommand's object, or null when none ran. */
    private static Object command(CommandLine cl) {
        CommandLine.ParseResult r = cl.getParseResult();
        return r != null && r.subcommand() != null ? r.subcommand().commandSpec().userObject() : null;
    }

    /**
     * Whether file descriptor 1 is a pipe or a socket, whose writes fail only when the reader left (EPIPE), never for
     * a full disk. The IOException a PrintWriter swallowed would say which, but in words of the C library's locale;
     * the file type cannot be mistaken. False when it cannot be told (no {@code /dev/fd}): the message stays.
     */
    static boolean standardOutputIsAPipe() {
        try {
            int type = (Integer) Files.getAttribute(Path.of("/dev/fd/1"), "unix:mode") & 0170000;
            return type == 0010000 || type == 0140000; // S_IFIFO, S_IFSOCK
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String qualifiedName(CommandLine cl) {
        CommandLine.ParseResult r = cl.getParseResult();
        return r != null && r.subcommand() != null ? r.subcommand().commandSpec().qualifiedName() : "vouch";
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new VouchCli());
        // No argument files: picocli decodes them in the platform's character set, past the check of the command
        // line (a re-trial's --origin in an @file was signed into the journal mangled, in a C locale).
        cl.setExpandAtFiles(false);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(VouchCli::onUsageError);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> onError(ex, commandLine));
        return cl;
    }

    private static int onUsageError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    private static int onError(Exception ex, CommandLine cl) {
        PrintWriter err = cl.getErr();
        cl.getOut().flush();
        String name = cl.getCommandSpec().qualifiedName();
        int code = EXIT_USAGE;
        if (ex instanceof OutputClosed) {
            // Said (or, for a reader that left, not said) once by run(), which sees the same failed PrintWriter.
            code = EXIT_USAGE;
        } else if (ex instanceof VerificationStopped || ex instanceof CheckFailed) {
            err.println(name + ": " + Text.safe(ex.getMessage()));
            code = EXIT_FAILED;
        } else if (ex instanceof JournalCorruptException) {
            // The ledger refused a journal that fails verification (rekey): the journal's problem, not the user's.
            err.println(name + ": " + Text.safe(ex.getMessage()));
            code = EXIT_FAILED;
        } else if (ex instanceof dev.vouch.policy.PolicyException) {
            err.println(name + ": " + Text.safeMessage(ex.getMessage())); // already escaped where it quotes
        } else if (ex instanceof CliException && ex.getCause() instanceof dev.vouch.FormatException) {
            // The parsers quote what they found escaped already: escaping it again showed \\" where the file had "
            // (an upgrade trial's 0.1.0 proof).
            err.println(name + ": " + Text.safeMessage(ex.getMessage()));
        } else if (ex instanceof CliException || ex instanceof VouchException) {
            err.println(name + ": " + Text.safe(ex.getMessage()));
        } else if (ex instanceof IOException) {
            err.println(name + ": " + Text.safe(Errors.describe((IOException) ex)));
        } else if (ex instanceof UncheckedIOException) {
            err.println(name + ": " + Text.safe(Errors.describe(((UncheckedIOException) ex).getCause())));
        } else {
            err.println(name + ": unexpected error: " + ex);
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * Throws if {@code out} can no longer be written: a {@link PrintWriter} swallows the error of a closed pipe,
     * and a command would otherwise read a whole journal for nobody.
     */
    static void checkOutput(Writer out) {
        if (out instanceof PrintWriter && ((PrintWriter) out).checkError()) {
            throw new OutputClosed();
        }
    }

    /** Thrown by {@link #checkOutput} to stop a command whose standard output failed; {@link #run} reports it. */
    static final class OutputClosed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutputClosed() {
            super("standard output could not be written; stopped", null, false, false);
        }
    }

    /** {@code vouch --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "vouch " + VouchVersion.LIBRARY,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.home") + ")",
            };
        }
    }
}
