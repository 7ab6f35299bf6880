package dev.vouch.spring.ai;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/**
 * Keeps Spring AI's tool-call observations alive, so that {@link ToolCallIds} can read the model's tool-call id from
 * them. A Micrometer registry with no handler is a no-op: it creates no observation at all, and the id would be lost.
 * This handler does nothing else; Boot registers it with the application's {@code ObservationRegistry}.
 */
final class ToolCallObservations implements ObservationHandler<ToolCallingObservationContext> {

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ToolCallingObservationContext;
    }
}
