package dev.vouch.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vouch approve <seq>} and {@code vouch reject <seq>}: an operator's answer to a stalled call waiting in the
 * running gateway, as users of the original Vouch know them. The gateway records the APPROVAL (the approver is the
 * operator token's name, with the reason given here) before it answers; an approved call may then run.
 */
abstract class DecideCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SEQ", description = "The call's sequence number (vouch approvals lists them).")
    long seq;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded with the answer.")
    String reason;

    @Option(names = "--json", description = "Print the gateway's answer as JSON.")
    boolean json;

    @Mixin
    GatewayClient gateway;

    abstract boolean approve();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String body = "{\"decision\":\"" + (approve() ? "approve" : "refuse") + "\""
                + (reason == null ? "" : ",\"reason\":" + GatewayClient.quote(reason)) + "}";
        GatewayClient.Reply r = gateway.post("/v1/approvals/" + seq, body);
        if (r.status() == 404 || r.status() == 409) {
            if (json) {
                out.print(r.body());
            }
            err.println(spec.qualifiedName() + ": " + r.errorMessage());
            return VouchCli.EXIT_FAILED;
        }
        if (r.status() != 200) {
            throw GatewayClient.failed(r);
        }
        if (json) {
            out.print(r.body());
        } else {
            Map<?, ?> call = r.json().get("call") instanceof Map<?, ?> m ? m : Map.of();
            out.println("call " + seq + " " + r.json().get("answer") + " by " + r.json().get("approver")
                    + (call.isEmpty() ? "" : " (" + Text.safe(String.valueOf(call.get("tool"))) + " of "
                            + Text.safe(String.valueOf(call.get("agent"))) + "); it is now " + call.get("status")));
        }
        return VouchCli.EXIT_OK;
    }

    /** {@code vouch approve}. */
    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = {"Approves a stalled call waiting in the running gateway: the APPROVAL is recorded, then"
                    + " the call may run.", "Needs an operator token (--token-file or VOUCH_TOKEN)."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:approved", "1:the call is not waiting (unknown, already answered, or past its deadline)",
                "2:usage error, the gateway cannot be reached, or it refused the token"})
    static final class Approve extends DecideCommand {
        @Override
        boolean approve() {
            return true;
        }
    }

    /** {@code vouch reject}. */
    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = {"Refuses a stalled call waiting in the running gateway: the refusal is recorded and the"
                    + " call never runs.", "Needs an operator token (--token-file or VOUCH_TOKEN)."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:refused", "1:the call is not waiting (unknown, already answered, or past its deadline)",
                "2:usage error, the gateway cannot be reached, or it refused the token"})
    static final class Reject extends DecideCommand {
        @Override
        boolean approve() {
            return false;
        }
    }
}
