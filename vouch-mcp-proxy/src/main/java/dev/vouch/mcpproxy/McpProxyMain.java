package dev.vouch.mcpproxy;

import dev.vouch.VouchException;
import dev.vouch.guard.ApprovalHandler;
import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.ConsoleApprovals;
import dev.vouch.guard.Guard;
import dev.vouch.guard.GuardBuilder;
import dev.vouch.guard.RedactionKey;
import dev.vouch.internal.PlatformNames;
import dev.vouch.ledger.JournalReader;
import dev.vouch.ledger.Ledger;
import dev.vouch.ledger.LedgerBuilder;
import dev.vouch.policy.PolicyWatcher;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vouch mcp-proxy}: the proxy as a command an agent's MCP configuration runs instead of the server. It opens
 * the journal, follows the policy file (hot reload), builds the guard and relays between its own stdio and the
 * server until the server exits, whose status it returns. Standard output carries only MCP; messages and logs go to
 * standard error.
 *
 * <pre>
 * vouch mcp-proxy --policy vouch-policy.yaml --journal vouch-journal -- npx -y @modelcontextprotocol/server-filesystem /srv
 * vouch mcp-proxy --policy vouch-policy.yaml --journal vouch-journal --upstream https://mcp.example.com/mcp
 * </pre>
 *
 * <p>Exit status: the server's exit status (stdio), 0 when an HTTP session ends; 2 for a usage error; 1 when the
 * proxy cannot start (journal, key, policy, server command).
 */
@Command(name = "mcp-proxy",
        usageHelpAutoWidth = true,
        description = {
            "Runs an MCP server behind Vouch's guard: speaks MCP over stdio to the client, starts the server"
                    + " (or connects to a Streamable HTTP one) and relays every JSON-RPC message. Every tools/call is"
                    + " recorded in the journal and judged by the policy before the server sees it; everything"
                    + " else passes through unchanged.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "N:the server's exit status (0 when an HTTP session ends)",
            "1:the proxy could not start (journal, key, policy, server command)",
            "2:usage error",
        })
public final class McpProxyMain implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    /** How long a SIGTERM waits for the journal to be sealed (the ledger's own close waits at most 30 s). */
    private static final Duration LEDGER_CLOSE_WAIT = Duration.ofSeconds(40);
    /** Launchers skipped when the agent's name is taken from the server command. */
    private static final Set<String> LAUNCHERS = Set.of("node", "nodejs", "npx", "npm", "pnpm", "pnpx", "yarn", "bun",
            "bunx", "deno", "uv", "uvx", "python", "python3", "pipx", "java", "docker", "podman", "env", "sh", "bash",
            "cmd", "run", "exec", "dlx", "tool");
    /** Script names that say nothing of the server (an entry point); its package's directory does. */
    private static final Set<String> ENTRY_POINTS = Set.of("index", "main", "cli", "__main__");
    /** Directories a package builds its entry point into, skipped when naming it after its directory. */
    private static final Set<String> BUILD_DIRS = Set.of("dist", "build", "lib", "src", "bin", "out", "cjs", "esm");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--policy", required = true, paramLabel = "FILE",
            description = "The policy file (vouch-policy.yaml); watched: a new version takes effect within seconds.")
    Path policy;

    @Option(names = "--journal", required = true, paramLabel = "DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--key", paramLabel = "FILE", defaultValue = ".vouch_key",
            description = "The journal's signing key (created on first use, mode 0600). Default: ${DEFAULT-VALUE}.")
    Path key;

    @Option(names = "--origin", paramLabel = "NAME",
            description = "The journal's origin (checkpoint) name, for a new journal; default vouch/<random hex>.")
    String origin;

    @Option(names = "--agent", paramLabel = "NAME",
            description = "The agent every record names. Default: mcp-proxy/<server>, from the server command or URL.")
    String agent;

    @Option(names = "--principal", paramLabel = "NAME", description = "Who the agent acts for, recorded with every call.")
    String principal;

    @Option(names = "--approvals", paramLabel = "MODE", defaultValue = "deny",
            description = "Who approves stalled calls: deny (refuse them all), console (ask on the terminal,"
                    + " /dev/tty, since stdio carries MCP) or command (run --approval-command for each; its exit"
                    + " status answers). Default: ${DEFAULT-VALUE}.")
    Approvals approvals;

    @Option(names = "--approval-command", paramLabel = "'COMMAND'",
            description = "With --approvals command: a shell command run for each stalled call, the request as JSON"
                    + " on its standard input and in VOUCH_* variables; exit 0 approves, 1 refuses; lines"
                    + " approver=NAME and reason=TEXT on its standard output are recorded.")
    String approvalCommand;

    @Option(names = "--stall", paramLabel = "MODE", defaultValue = "wait",
            description = "What a stalled call does: wait (for the approver, up to the policy's approval_timeout) or"
                    + " pending (answer 'awaiting approval' at once; calling again with the same arguments runs it"
                    + " once approved). Default: ${DEFAULT-VALUE}.")
    StallMode stall;

    @Option(names = "--hide-blocked-tools",
            description = "Leave the tools the policy always blocks out of tools/list.")
    boolean hideBlockedTools;

    @Option(names = "--tool-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Put before each tool name in what the policy judges and the journal records (e.g. fs.).")
    String toolPrefix;

    @Option(names = "--redaction-key", paramLabel = "FILE",
            description = "The redaction key (base64, mode 0600): redacted values are stored as keyed commitments."
                    + " Without it they are omitted.")
    Path redactionKey;

    @Option(names = "--upstream", paramLabel = "URL",
            description = "A Streamable HTTP MCP server to relay to, instead of a server command.")
    URI upstream;

    @Option(names = "--header", paramLabel = "'NAME: VALUE'",
            description = "A header for every request to the --upstream server (e.g. 'Authorization: Bearer ...');"
                    + " repeatable.")
    List<String> headers = new ArrayList<>();

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The MCP server's command and arguments, after --.")
    List<String> command = new ArrayList<>();

    /** How stalled calls are approved from the command line. */
    enum Approvals { DENY, CONSOLE, COMMAND }

    private final InputStream in;
    private final OutputStream out;
    private final PrintStream err;

    private McpProxyMain(InputStream in, OutputStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs the proxy on the process's stdio and exits with its status. */
    public static void main(String[] args) {
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PlatformNames.standardErrorInUtf8();
        System.setOut(System.err); // from here on, a stray System.out.println cannot corrupt the MCP stream
        String unreadable = PlatformNames.problem(args);
        if (unreadable != null) {
            System.err.println("vouch mcp-proxy: " + unreadable);
            System.exit(EXIT_USAGE);
        }
        System.exit(run(args, System.in, stdout, System.err));
    }

    /**
     * Runs {@code mcp-proxy} with these arguments: MCP with the client on {@code in} and {@code out}, messages on
     * {@code err}. Returns when the session ends (the server exited, or the client went and the server then exited).
     * The caller should point {@code System.out} elsewhere first, as {@link #main} does: {@code out} must carry
     * nothing but MCP.
     *
     * @return the exit status: the server's, or {@value #EXIT_USAGE} (usage), {@value #EXIT_FAILED} (could not start)
     */
    public static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
        PrintWriter messages = new PrintWriter(err, true, StandardCharsets.UTF_8);
        CommandLine cl = new CommandLine(new McpProxyMain(in, out, err));
        // Arguments as given: an @file would be decoded in the platform's character set, and a server argument such
        // as @scope/package is the server's, never a file of options.
        cl.setExpandAtFiles(false);
        cl.setOut(messages); // --help too: standard output carries MCP only
        cl.setErr(messages);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setStopAtPositional(true); // everything from the server command on is the server's
        cl.setParameterExceptionHandler((ex, a) -> {
            messages.println("vouch mcp-proxy: " + ex.getMessage());
            messages.println("Try 'vouch mcp-proxy --help' for more information.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            messages.println("vouch mcp-proxy: " + describe(ex));
            return EXIT_FAILED;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        checkUsage(); // before anything is opened: a usage error creates no journal
        ApprovalHandler approver = approvalHandler();
        ExecutorService approvedCalls = Executors.newCachedThreadPool(r -> Relay.daemon("vouch-mcp-proxy-approved", r));
        PolicyWatcher watcher = null;
        Ledger ledger = null;
        CountDownLatch closed = new CountDownLatch(1);
        try {
            watcher = PolicyWatcher.start(policy, p -> { }); // the guard records each version; the watcher logs it
            // Before the ledger opens, as the gateway does: a redaction key refused (mode 0644, say) after it created a
            // journal and a signing key left both behind (an outside trial found a trust anchor born of a failed start).
            RedactionKey redaction = redactionKey == null ? null : RedactionKey.load(redactionKey);
            // The ledger's own shutdown hook would race the proxy's: closed first, it could not record the outcome of
            // a call in flight. It is closed below, after the session.
            LedgerBuilder lb = Ledger.builder(journal).keyFile(key).shutdownHook(false);
            if (origin != null) {
                lb.origin(origin);
            }
            ledger = lb.open();
            String name = agent != null ? agent : defaultAgent(command, upstream);
            ApprovalGate gate = new ApprovalGate(approver);
            GuardBuilder gb = Guard.builder(ledger).agent(name).policy(watcher).approvals(gate)
                    .principal(principal).asyncExecutor(approvedCalls);
            if (redaction != null) {
                gb.redactionKey(redaction);
            }
            // Calls a previous run left waiting (refused at start in WAIT mode, whose requests died with that run),
            // and calls it let through whose outcome is not on record (ended on record as "may have run").
            List<ApprovalRequest> unfinished = new ArrayList<>();
            gb.recoverPending(JournalReader.open(journal)).recoverUnfinished(unfinished::add);
            Guard guard = gb.build();
            McpProxy proxy = proxy(guard); // refuses, on record, taken-back calls no repeat can reach
            McpProxy.endUnfinished(guard, unfinished);
            gate.open(); // only then is the approver asked about the calls taken back
            McpProxy.Session session = proxy.start(in, out);
            err.println("[vouch] mcp-proxy for " + name + ": journal " + journal + ", "
                    + (upstream != null ? "upstream " + upstream : "server " + String.join(" ", command)));
            // On SIGTERM: calls in flight are answered and their outcomes recorded (Session.close), which ends
            // awaitExit below; the hook then holds the JVM until the finally block has closed (sealed) the journal.
            Thread stop = new Thread(() -> {
                session.close();
                awaitQuietly(closed, LEDGER_CLOSE_WAIT);
            }, "vouch-mcp-proxy-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            int status = session.awaitExit();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting anyway
            }
            return status;
        } finally {
            if (approver instanceof ConsoleApprovals console) {
                console.close();
            }
            if (approver instanceof CommandApprovals programs) {
                programs.close(); // before the ledger closes: a killed program must not be read as a refusal
            }
            if (watcher != null) {
                watcher.close();
            }
            approvedCalls.shutdown();
            try {
                if (ledger != null) {
                    ledger.close();
                }
            } finally {
                closed.countDown();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkUsage() {
        if (principal != null && !TextLimit.fits(principal)) {
            throw new ParameterException(spec.commandLine(), "--principal is " + TextLimit.utf8Bytes(principal)
                    + " bytes in UTF-8; it is recorded with every call, as a text field of at most " + TextLimit.MAX_BYTES);
        }
        if (command.isEmpty() == (upstream == null)) {
            throw new ParameterException(spec.commandLine(), command.isEmpty()
                    ? "no MCP server: give its command after --, or --upstream URL"
                    : "give either a server command or --upstream, not both");
        }
        if (upstream != null && !"http".equals(upstream.getScheme()) && !"https".equals(upstream.getScheme())) {
            throw new ParameterException(spec.commandLine(), "--upstream " + upstream + " is not an http:// or https:// URL");
        }
        if ((approvals == Approvals.COMMAND) != (approvalCommand != null)) {
            throw new ParameterException(spec.commandLine(), approvalCommand == null
                    ? "--approvals command needs --approval-command 'COMMAND': the program that answers each stalled call"
                    : "--approval-command is for --approvals command");
        }
        if (approvalCommand != null && approvalCommand.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--approval-command is empty");
        }
        if (approvalCommand != null && !Files.isExecutable(Path.of("/bin/sh"))) {
            throw new ParameterException(spec.commandLine(), "--approval-command runs through /bin/sh, which this"
                    + " system does not have");
        }
        if (upstream == null && !headers.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--header is for an --upstream server");
        }
        for (String h : headers) {
            if (h.indexOf(':') <= 0) {
                throw new ParameterException(spec.commandLine(), "--header '" + h + "' is not of the form 'Name: value'");
            }
        }
    }

    /** The proxy the options describe, around {@code guard}. */
    private McpProxy proxy(Guard guard) {
        McpProxy.Builder b = McpProxy.builder(guard)
                .stallMode(stall)
                .hideBlockedTools(hideBlockedTools)
                .toolPrefix(toolPrefix);
        if (upstream != null) {
            b.upstream(upstream);
            for (String h : headers) {
                int colon = h.indexOf(':');
                b.upstreamHeader(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
            }
        } else {
            b.stdio(command);
        }
        return b.build();
    }

    private ApprovalHandler approvalHandler() {
        if (approvals == Approvals.DENY) {
            return ApprovalHandler.alwaysDeny();
        }
        if (approvals == Approvals.COMMAND) {
            return new CommandApprovals(approvalCommand, err);
        }
        try {
            InputStream tty = new FileInputStream("/dev/tty");
            PrintStream prompt = new PrintStream(new FileOutputStream("/dev/tty"), true, StandardCharsets.UTF_8);
            return new ConsoleApprovals(new InputStreamReader(tty, StandardCharsets.UTF_8), prompt);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--approvals console needs a terminal, but /dev/tty"
                    + " cannot be opened (" + e.getMessage() + "); stdio carries MCP, so the console is the terminal");
        }
    }

    /**
     * The agent's default name: {@code mcp-proxy/} and the server's name, taken from the first word of the command
     * that is neither an option nor a launcher ({@code npx -y @modelcontextprotocol/server-filesystem /srv} gives
     * {@code mcp-proxy/server-filesystem}), or the upstream's host.
     */
    static String defaultAgent(List<String> command, URI upstream) {
        if (upstream != null) {
            return "mcp-proxy/" + upstream.getHost() + (upstream.getPort() < 0 ? "" : ":" + upstream.getPort());
        }
        for (String word : command) {
            String base = word.replace('\\', '/');
            base = base.substring(base.lastIndexOf('/') + 1);
            int at = base.indexOf('@', 1);
            if (at > 0) {
                base = base.substring(0, at); // server-filesystem@latest
            }
            base = base.replaceFirst("\\.(m?js|cjs|ts|py|jar|exe|cmd|sh)$", "");
            if (word.startsWith("-") || base.isEmpty() || LAUNCHERS.contains(base.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (ENTRY_POINTS.contains(base.toLowerCase(Locale.ROOT))) {
                // node .../server-everything/dist/index.js: named after the package, not "index" (an outside trial)
                String[] dirs = word.replace('\\', '/').split("/");
                for (int i = dirs.length - 2; i >= 0; i--) {
                    String dir = dirs[i];
                    if (!dir.isEmpty() && !dir.equals(".") && !dir.equals("..")
                            && !BUILD_DIRS.contains(dir.toLowerCase(Locale.ROOT))) {
                        base = dir;
                        break;
                    }
                }
            }
            return "mcp-proxy/" + base;
        }
        return "mcp-proxy";
    }

    private static String describe(Exception ex) {
        if (ex instanceof UncheckedIOException u) {
            return u.getMessage();
        }
        if (ex instanceof VouchException || ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
            return ex.getMessage();
        }
        if (ex instanceof IOException) {
            return ex.toString();
        }
        return "unexpected error: " + ex;
    }
}
