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
    // Chronicle uses sun.misc (Unsafe, SignalHandler), and its jars are automatic modules, which pull no system
    // module into the graph: without this an application module failed in Chronicle's Jvm.<clinit>.
    requires jdk.unsupported;
    // Posix reaches fallocate through JNR, which writes its native stubs with ASM, a named module that no automatic
    // module pulls in: without this an application module ran with no disk space reservation (a WARN at open).
    requires org.objectweb.asm;
    requires org.slf4j;
    requires java.management;
    // Optional, and not transitive: an application module that binds VouchMetrics requires Micrometer itself; one
    // that does not compiles without it (with "transitive", javac asked every application module for it).
    requires static micrometer.core;

    exports dev.vouch.ledger;
    exports dev.vouch.ledger.metrics;
}
