/**
 * The policy (vouch-policy.yaml) and the guard that applies it around every tool call: block, allow, or stall
 * until a human approves, with what the journal may keep of the parameters decided per rule.
 */
module dev.vouch.policy {
    requires transitive dev.vouch.core;
    requires org.yaml.snakeyaml;
    requires re2j;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires static micrometer.core; // optional, and not transitive: modules that use the guard need no Micrometer

    exports dev.vouch.policy;
    exports dev.vouch.guard;
    exports dev.vouch.guard.metrics;
}
