/**
 * OpenTelemetry spans for guarded tool calls: one {@code execute_tool {tool}} span per call with the GenAI semantic
 * conventions' attributes and Vouch's own, whose trace and span ids are recorded in the call's TOOL_CALL record.
 */
module dev.vouch.otel {
    requires transitive dev.vouch.policy;
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.vouch.otel;
}
