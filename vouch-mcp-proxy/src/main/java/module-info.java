/**
 * The MCP proxy: an MCP server's stand-in that relays every JSON-RPC message between an MCP client (stdio) and the
 * real server (a child process over stdio, or Streamable HTTP), with every {@code tools/call} judged and recorded by
 * Vouch's guard. Its dependencies all have module names (Jackson, picocli, SLF4J, Vouch's modules).
 */
module dev.vouch.mcpproxy {
    requires transitive dev.vouch.policy;
    requires dev.vouch.ledger;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires org.slf4j;
    requires java.net.http;

    exports dev.vouch.mcpproxy;
    // picocli reads the command's annotated fields reflectively.
    opens dev.vouch.mcpproxy to info.picocli;
}
