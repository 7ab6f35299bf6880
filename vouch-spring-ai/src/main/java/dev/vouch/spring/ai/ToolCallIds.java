package dev.vouch.spring.ai;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/**
 * The id the model gave the tool call being run. Spring AI 2.0 does not pass it to the {@code ToolCallback}: its
 * {@code DefaultToolCallingManager} puts it only in the {@link ToolCallingObservationContext} of the observation it
 * opens around {@code ToolCallback.call}. That observation is current while the callback runs, provided the manager's
 * {@link ObservationRegistry} is not a no-op one (Boot's is not once any observation handler is registered, and the
 * starter registers one); otherwise there is no id to record.
 */
final class ToolCallIds {
    private final ObservationRegistry registry;

    ToolCallIds(ObservationRegistry registry) {
        this.registry = registry;
    }

    /** The tool-call id of the current observation if it is Spring AI's call of {@code tool}, else null. */
    String current(String tool) {
        Observation current = registry.getCurrentObservation();
        if (current == null) {
            return null;
        }
        // Only the current observation: an enclosing tool call's id must never be recorded for a call nested in it.
        if (current.getContextView() instanceof ToolCallingObservationContext context
                && tool.equals(context.getToolDefinition().name())) {
            return context.getToolCallId();
        }
        return null;
    }
}
