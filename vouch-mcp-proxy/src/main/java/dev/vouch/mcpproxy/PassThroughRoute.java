package dev.vouch.mcpproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client request the guard has nothing to say about (initialize, ping, resources, prompts, completions...): its
 * answer is relayed byte for byte. With a filter, the answer to {@code tools/list} leaves out the tools the policy
 * blocks whatever their arguments ({@code Guard.alwaysBlocks}), so the model is not offered what it may never call;
 * a hidden tool called by name is still judged, blocked and recorded.
 */
final class PassThroughRoute implements Route {
    private static final Logger LOG = LoggerFactory.getLogger(PassThroughRoute.class);

    private final byte[] id;
    private final Reply reply;
    private final Predicate<String> hidden;

    private PassThroughRoute(byte[] id, Reply reply, Predicate<String> hidden) {
        this.id = id;
        this.reply = reply;
        this.hidden = hidden;
    }

    static PassThroughRoute relay(Envelope request, Reply reply) {
        return new PassThroughRoute(request.idBytes(), reply, null);
    }

    /** A {@code tools/list} whose answer leaves out the tools {@code hidden} names. */
    static PassThroughRoute toolsList(Envelope request, Reply reply, Predicate<String> hidden) {
        return new PassThroughRoute(request.idBytes(), reply, hidden);
    }

    @Override
    public void onResponse(Envelope response) {
        reply.send(hidden == null ? response.bytes : withoutHiddenTools(response));
    }

    @Override
    public void onFailure(String why) {
        reply.send(Replies.error(id, Replies.SERVER_UNAVAILABLE, why));
    }

    @Override
    public void onAnswerDropped(String why) {
        reply.send(Replies.error(id, Replies.INTERNAL_ERROR, why));
    }

    @Override
    public boolean onCancelled(String reason) {
        reply.none();
        return true;
    }

    /** The response with the hidden tools removed; the response itself, unchanged, if none is hidden. */
    private byte[] withoutHiddenTools(Envelope response) {
        if (response.result == null) {
            return response.bytes;
        }
        try {
            JsonNode message = Json.MAPPER.readTree(response.bytes);
            JsonNode result = message.get("result");
            JsonNode tools = result == null ? null : result.get("tools");
            if (!(tools instanceof ArrayNode) || !(result instanceof ObjectNode)) {
                return response.bytes;
            }
            ArrayNode kept = Json.MAPPER.createArrayNode();
            for (JsonNode tool : tools) {
                JsonNode name = tool.get("name");
                if (name == null || !name.isTextual() || !hidden.test(name.asText())) {
                    kept.add(tool);
                }
            }
            if (kept.size() == tools.size()) {
                return response.bytes;
            }
            ((ObjectNode) result).set("tools", kept);
            return Json.write(message);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not filter a tools/list answer ({}); relayed as it is", e.toString());
            return response.bytes;
        }
    }
}
