/**
 * The HTTP gateway (docs/GATEWAY.md): agents written in any language submit their tool calls to the guard over HTTP,
 * run the tools themselves and report the results; operators approve or refuse stalled calls, reload the policy and
 * rotate the signing key; Prometheus metrics and health checks are on a separate admin port. Start one with
 * {@link dev.vouch.server.Gateway#builder}, or from the command line with {@code vouch serve} or the runnable jar
 * ({@link dev.vouch.server.GatewayMain}). Everything else in this package is package-private.
 */
package dev.vouch.server;
