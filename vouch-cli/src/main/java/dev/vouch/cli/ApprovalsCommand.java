package dev.vouch.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vouch approvals}: the stalled calls waiting for an operator in the running gateway. */
@Command(name = "approvals", mixinStandardHelpOptions = true,
        description = {"Lists the calls waiting for approval in the running gateway, oldest first: sequence number,"
                + " agent, tool, rule, deadline and the parameters as the journal stores them.",
            "Needs an operator token (--token-file or VOUCH_TOKEN)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed (possibly none)", "2:usage error, the gateway cannot be reached, or it refused the token"})
final class ApprovalsCommand implements Callable<Integer>, ReadingCommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the gateway's answer as JSON.")
    boolean json;

    @Mixin
    GatewayClient gateway;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        GatewayClient.Reply r = gateway.get("/v1/approvals");
        if (r.status() != 200) {
            throw GatewayClient.failed(r);
        }
        if (json) {
            out.print(r.body());
            return VouchCli.EXIT_OK;
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) r.json().get("approvals");
        if (list.isEmpty()) {
            spec.commandLine().getErr().println("no call is waiting for approval");
        }
        for (Map<String, Object> a : list) {
            out.printf(Locale.ROOT,
                    "%7d  %s %s %s until %s%n", (Long) a.get("seq"), Text.pad(Text.safe(str(a.get("agent"))), 16),
                    Text.pad(Text.safe(str(a.get("tool"))), 24), Text.pad(Text.safe(str(a.get("policy"))), 16),
                    a.get("deadline"));
            String reason = str(a.get("reason"));
            if (!reason.isEmpty()) {
                out.println("         why: " + Text.safe(reason));
            }
            if (a.containsKey("params")) {
                out.println("         params: " + preview(a.get("params")));
            }
        }
        return VouchCli.EXIT_OK;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }

    /** The parameters as JSON, whose escapes already make them safe to print (a second escaping doubled them). */
    private static String preview(Object params) {
        return Text.cut(GatewayClient.toJson(params), 123);
    }
}
