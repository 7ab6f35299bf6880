package dev.vouch.guard;

import dev.vouch.internal.SafeText;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard's side of a {@link CallObserver.Observation}: every call into the observer is caught and logged, so an
 * observer can never change what is recorded or whether a tool runs. Without an observer, one shared instance that
 * does nothing.
 */
final class Observing {
    private static final Logger LOG = LoggerFactory.getLogger(CallObserver.class);
    private static final Observing NONE = new Observing(null);
    private static final AutoCloseable NO_SCOPE = () -> { };

    /** Starts an observation per call. */
    interface Factory {
        Observing start(ToolCall call);

        /** A deferred call being resumed: observed as a call of its own, with its recorded decision. */
        Observing resumed(DeferredCalls.Deferred call);
    }

    static Factory factory(CallObserver observer) {
        if (observer == null) {
            return new Factory() {
                @Override
                public Observing start(ToolCall call) {
                    return NONE;
                }

                @Override
                public Observing resumed(DeferredCalls.Deferred call) {
                    return NONE;
                }
            };
        }
        return new Factory() {
            @Override
            public Observing start(ToolCall call) {
                try {
                    CallObserver.Observation o = observer.start(call);
                    return o == null ? NONE : new Observing(o);
                } catch (RuntimeException e) {
                    LOG.warn("Call observer failed to start on {}; the call goes on unobserved",
                            SafeText.safe(call.tool()), e);
                    return NONE;
                }
            }

            @Override
            public Observing resumed(DeferredCalls.Deferred d) {
                ToolCall call = ToolCall.of(d.call.tool, (byte[]) null).id(d.call.toolCallId);
                for (Map.Entry<String, String> tag : d.tags.entrySet()) {
                    call = call.tag(tag.getKey(), tag.getValue());
                }
                Observing o;
                try {
                    CallObserver.Observation started = observer.resume(call);
                    o = started == null ? NONE : new Observing(started);
                } catch (RuntimeException e) {
                    LOG.warn("Call observer failed to start on the resumption of {} (call seq {}); it goes on"
                            + " unobserved", SafeText.safe(d.call.tool), d.call.callSeq, e);
                    return NONE;
                }
                o.judged(d.call);
                return o;
            }
        };
    }

    private final CallObserver.Observation observation;

    private Observing(CallObserver.Observation observation) {
        this.observation = observation;
    }

    String traceId() {
        if (observation == null) {
            return null;
        }
        try {
            String id = observation.traceId();
            return id != null && observation.spanId() != null ? id : null;
        } catch (RuntimeException e) {
            LOG.warn("Call observer failed to give its trace id", e);
            return null;
        }
    }

    String spanId() {
        try {
            return observation == null ? null : observation.spanId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    void judged(JudgedCall j) {
        if (observation != null) {
            try {
                observation.judged(j.callSeq, j.decision.action().recorded(), j.policyId, j.decision.risk());
            } catch (RuntimeException e) {
                LOG.warn("Call observer failed on the decision of call seq {}", j.callSeq, e);
            }
        }
    }

    AutoCloseable running() {
        if (observation == null) {
            return NO_SCOPE;
        }
        try {
            AutoCloseable scope = observation.running();
            return scope == null ? NO_SCOPE : scope;
        } catch (RuntimeException e) {
            LOG.warn("Call observer failed as the tool started", e);
            return NO_SCOPE;
        }
    }

    static void close(AutoCloseable scope) {
        if (scope != NO_SCOPE) {
            try {
                scope.close();
            } catch (Exception e) {
                LOG.warn("Call observer failed to close its scope", e);
            }
        }
    }

    /** Reports the end and returns {@code result}, so callers can {@code return obs.end(...)}. */
    <R extends CallResult<?>> R end(R result) {
        ended(result, null);
        return result;
    }

    void ended(CallResult<?> result, Throwable error) {
        if (observation != null) {
            try {
                observation.ended(result, error);
            } catch (RuntimeException e) {
                LOG.warn("Call observer failed at the end of a call", e);
            }
        }
    }
}
