/**
 * Vouch's format, keys, Merkle trees and verifier: everything an auditor needs, with nothing but the agent's public
 * key. {@code dev.vouch.internal} packages are shared with Vouch's own modules only.
 */
module dev.vouch.core {
    requires org.bouncycastle.provider;

    exports dev.vouch;
    exports dev.vouch.crypto;
    exports dev.vouch.merkle;
    exports dev.vouch.verify;
    exports dev.vouch.internal to dev.vouch.ledger, dev.vouch.policy, dev.vouch.server, dev.vouch.mcpproxy,
            dev.vouch.spring.ai;
    exports dev.vouch.internal.format to dev.vouch.ledger, dev.vouch.policy;
}
