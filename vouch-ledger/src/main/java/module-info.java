/**
 * The ledger: an LMAX Disruptor ring in front of a hash-chained, Merkle-tree-backed, Ed25519-signed Chronicle Queue
 * journal. Chronicle publishes no module names, so it is required by the names of its jars, and it needs the JVM
 * flags that {@link dev.vouch.ledger.JvmFlags} lists (granted to ALL-UNNAMED on the class path, or to the Chronicle
 * modules on the module path).
 */
module dev.vouch.ledger {
    requires transitive dev.vouch.core;
    requires com.lmax.disruptor;
    requires chronicle.queue;
    requires chronicle.wire;
    requires chronicle.bytes;
    requires chronicle.core;
    requires posix;
    requires org.slf4j;
    requires java.management;
    requires static transitive micrometer.core;

    exports dev.vouch.ledger;
    exports dev.vouch.ledger.metrics;
}
