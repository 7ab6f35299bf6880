package dev.vouch.server;

import dev.vouch.Event;
import dev.vouch.EventKind;
import dev.vouch.Recorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts refused requests on record: a request without a valid token (401), or with a token of the wrong role or agent
 * (403), becomes a NOTE named {@value #NOTE} from agent {@value #AGENT}, with {@code {"status", "code", "reason",
 * "method", "path", "remote", "token_holder"?, "suppressed"?}}. The body of such a request is never read, let alone
 * recorded. At most {@value #PER_SECOND} such notes a second are written, so a flood of bad requests cannot fill
 * the journal; the next note counts the ones left out ({@code suppressed}), or at a stop a note of its own, and the
 * counter {@code vouch_gateway_auth_refused_total} counts them all.
 */
final class AuthRefusals {
    static final String AGENT = "vouch-gateway";
    static final String NOTE = "vouch.gateway.refused";
    private static final int PER_SECOND = 20;
    private static final Logger LOG = LoggerFactory.getLogger(AuthRefusals.class);

    private final Recorder recorder;
    private final Counter unauthenticated;
    private final Counter forbidden;
    private long window;
    private int inWindow;
    private long suppressed;

    AuthRefusals(Recorder recorder, MeterRegistry registry) {
        this.recorder = recorder;
        this.unauthenticated = counter(registry, 401);
        this.forbidden = counter(registry, 403);
    }

    private static Counter counter(MeterRegistry registry, int status) {
        return Counter.builder("vouch.gateway.auth.refused")
                .description("Requests refused for a missing or invalid token (401) or the wrong role or agent (403)")
                .tag("status", Integer.toString(status)).register(registry);
    }

    /**
     * At a stop: records how many refusals were left out since the last note, if any (an outside trial flooded the
     * gateway, stopped it, and found 180 refusals counted by the meter and nowhere in the journal).
     */
    void flush() {
        long skipped;
        synchronized (this) {
            skipped = suppressed;
            suppressed = 0;
        }
        if (skipped > 0) {
            note(new JsonOut().field("suppressed", skipped).field("reason", "refused requests over " + PER_SECOND
                    + " a second, not recorded one by one; counted when the gateway stopped"),
                    "the count of " + skipped + " refused request(s) left out of the journal");
        }
    }

    void record(HttpError refusal, String method, String path, String remote, String holder) {
        (refusal.status == 401 ? unauthenticated : forbidden).increment();
        long skipped;
        synchronized (this) {
            long second = System.nanoTime() / 1_000_000_000L;
            if (second != window) {
                window = second;
                inWindow = 0;
            }
            if (++inWindow > PER_SECOND) {
                suppressed++;
                return;
            }
            skipped = suppressed;
            suppressed = 0;
        }
        JsonOut o = new JsonOut().field("status", refusal.status).field("code", refusal.code)
                .field("reason", refusal.getMessage()).field("method", method).field("path", Texts.clip(path))
                .field("remote", remote).field("token_holder", holder);
        if (skipped > 0) {
            o.field("suppressed", skipped);
        }
        note(o, "a refused request (" + method + " " + Texts.clip(path) + " from " + remote + ")");
    }

    private void note(JsonOut params, String what) {
        byte[] bytes = params.toBytes();
        try {
            recorder.record(Event.of(EventKind.NOTE).agent(AGENT).name(NOTE)
                    .params(bytes, 0, bytes.length - 1)); // without the newline JsonOut ends with
        } catch (RuntimeException e) {
            LOG.warn("Could not record {}: {}", what, e.toString());
        }
    }
}
