package dev.vouch.spring.ai;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code vouch.*} settings of the starter. Only the journal, key file and policy are usually set; every other
 * setting has a default that records every tool call and refuses nothing the policy does not refuse.
 *
 * <pre>
 * vouch.journal=/var/lib/agent/vouch-journal
 * vouch.key-file=/etc/agent/vouch.key
 * vouch.origin=example.com/agents/refunds
 * vouch.policy=/etc/agent/vouch-policy.yaml
 * vouch.stall-mode=pending
 * </pre>
 */
// Unknown settings refused (UnknownSettingAnalyzer reports them): a misspelt vouch.policy left every call allowed.
@ConfigurationProperties(prefix = "vouch", ignoreUnknownFields = false)
public class VouchProperties {

    /** What a call the policy stalls does while it waits for a person. */
    public enum StallMode {
        /**
         * The chat call's thread waits for the approval handler (at most the policy's {@code approval_timeout}); then
         * the tool runs, or the model reads the refusal.
         */
        WAIT,
        /**
         * The model reads at once that the call awaits approval (with its call sequence number); the tool runs later,
         * when someone approves it and resumes it through {@link VouchApprovals}.
         */
        PENDING
    }

    /** Whether the starter guards Spring AI tools at all. */
    private boolean enabled = true;

    /** The agent every record names. Default: {@code spring.application.name}, else {@code spring-ai}. */
    private String agent;

    /**
     * The principal recorded with calls that name none (no {@code vouch.principal} tool-context entry and no
     * authenticated Spring Security user).
     */
    private String principal;

    /** The journal directory (created if missing). */
    private Path journal = Path.of("vouch-journal");

    /** The Ed25519 signing key file (PKCS#8 PEM, mode 0600); created on first use. */
    private Path keyFile = Path.of(".vouch_key");

    /**
     * The journal's origin line, e.g. {@code example.com/agents/refunds}; must match an existing journal's. Default
     * for a new journal: {@code vouch/<random hex>}.
     */
    private String origin;

    /** The policy file (docs/POLICY.md), followed with hot reload. Default: none, every call is allowed and recorded. */
    private Path policy;

    /**
     * The redaction key file (one line of base64, mode 0600; docs/GUARD.md, "The redaction key"): redacted values are
     * committed with it, so they can be proven later. Default: none, redacted values are omitted with nothing to prove.
     */
    private Path redactionKey;

    /** How often the policy file is checked for changes (10 ms to 1 h); a change takes effect within two intervals. */
    private Duration policyPollInterval = Duration.ofSeconds(1);

    /**
     * Whether the model is offered only the tools the policy does not always block (blocked whatever their
     * arguments): fewer refusals to read, and no hint of what exists. A hidden tool called by name anyway is still
     * judged, blocked and recorded.
     */
    private boolean hideBlockedTools;

    /** What a stalled call does while it waits for a person. */
    private StallMode stallMode = StallMode.WAIT;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getAgent() {
        return agent;
    }

    public void setAgent(String agent) {
        this.agent = agent;
    }

    public String getPrincipal() {
        return principal;
    }

    public void setPrincipal(String principal) {
        this.principal = principal;
    }

    public Path getJournal() {
        return journal;
    }

    public void setJournal(Path journal) {
        this.journal = journal;
    }

    public Path getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(Path keyFile) {
        this.keyFile = keyFile;
    }

    public String getOrigin() {
        return origin;
    }

    public void setOrigin(String origin) {
        this.origin = origin;
    }

    public Path getPolicy() {
        return policy;
    }

    public void setPolicy(Path policy) {
        this.policy = policy;
    }

    public Path getRedactionKey() {
        return redactionKey;
    }

    public void setRedactionKey(Path redactionKey) {
        this.redactionKey = redactionKey;
    }

    public Duration getPolicyPollInterval() {
        return policyPollInterval;
    }

    public void setPolicyPollInterval(Duration policyPollInterval) {
        this.policyPollInterval = policyPollInterval;
    }

    public boolean isHideBlockedTools() {
        return hideBlockedTools;
    }

    public void setHideBlockedTools(boolean hideBlockedTools) {
        this.hideBlockedTools = hideBlockedTools;
    }

    public StallMode getStallMode() {
        return stallMode;
    }

    public void setStallMode(StallMode stallMode) {
        this.stallMode = stallMode;
    }
}
