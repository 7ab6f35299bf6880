/** OpenTelemetry tracing of guarded tool calls: {@link dev.vouch.otel.VouchTracing}. */
package dev.vouch.otel;
