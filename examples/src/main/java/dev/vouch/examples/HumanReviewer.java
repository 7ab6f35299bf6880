package dev.vouch.examples;

import dev.vouch.guard.ApprovalRequest;
import dev.vouch.guard.ProgrammaticApprovals;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the person who answers approval requests (in a real deployment: a chat bot, a web page, the
 * console). It sees what the journal stores, never the redacted values, and approves refunds up to 1000.
 */
final class HumanReviewer {
    private static final Pattern AMOUNT = Pattern.compile("\"amount\":([0-9.]+)");
    private static final BigDecimal LIMIT = new BigDecimal("1000");

    final ProgrammaticApprovals approvals = new ProgrammaticApprovals(this::onRequest);

    private void onRequest(ApprovalRequest request) {
        // Answer from another thread, as a person would: the stalled call waits meanwhile.
        Thread reviewer = new Thread(() -> decide(request), "human-reviewer");
        reviewer.setDaemon(true);
        reviewer.start();
    }

    private void decide(ApprovalRequest request) {
        Matcher m = AMOUNT.matcher(request.storedParams());
        BigDecimal amount = m.find() ? new BigDecimal(m.group(1)) : LIMIT.add(BigDecimal.ONE);
        if (amount.compareTo(LIMIT) <= 0) {
            approvals.approve(request.callSequence(), "alice@support", "checked the order; refund " + amount + " is fine");
        } else {
            approvals.refuse(request.callSequence(), "alice@support", "refund " + amount + " is above my limit; escalate");
        }
    }
}
