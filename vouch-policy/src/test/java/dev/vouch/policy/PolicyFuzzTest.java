package dev.vouch.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates a real policy file thousands of times (fixed seed, so failures reproduce) and evaluates random
 * parameters against whatever still loads: loading either succeeds or throws {@link PolicyException} with a
 * position inside the text, and evaluation never throws. A cheap stand-in for a coverage-guided fuzzer.
 */
class PolicyFuzzTest {
    private static final String[] SNIPPETS = {
        "*", "?", "[", "]", "{", "}", ":", "- ", "\n", "  ", "\t", "\"", "'", "#", "&a", "*a", "!!str", "---",
        "~", "null", "0x1F", "1e999", "-", ".", "..", "action: block", "operator: regex", "value: [", "\u0000",
        "é", "\uD83D\uDE00", "policies:", "defaults:", "id: x", "redact: [a..b]", "conditions: {a_gt: 1}",
    };
    private static final String[] PARAMS = {
        "", "{}", "null", "[1]", "{\"amount\":", "{\"amount\":1e400}", "{\"amount\":\"9e9\"}",
        "{\"path\":\"/tmp/ticket-1.lock\",\"amount\":501}", "{\"a\":{\"b\":[1,{\"c\":null}]}}", "{\"amount\":1,\"amount\":2}",
        "{\"" + "x".repeat(2000) + "\":" + "[".repeat(200) + "]".repeat(200) + "}",
    };

    @Test
    void shouldFailCleanlyOnEveryMutation() throws IOException {
        String original = Files.readString(Path.of("..", "examples", "src", "main", "resources", "vouch-policy.yaml"),
                StandardCharsets.UTF_8);
        Random random = new Random(20260101L);
        int loaded = 0;
        for (int i = 0; i < 4000; i++) {
            String text = mutate(original, random, 1 + random.nextInt(3));
            Policy policy;
            try {
                policy = Policy.parse(text, "fuzz.yaml");
            } catch (PolicyException e) {
                int lines = text.split("\n", -1).length;
                assertTrue(e.line() >= 1 && e.line() <= lines + 1 && e.column() >= 1,
                        "position out of range: " + e.getMessage() + "\n---\n" + text);
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                fail("not a PolicyException for:\n" + text, e);
                return;
            }
            loaded++;
            for (String method : List.of("payments.refund", "fs.delete", "crm.x", "", "x".repeat(500))) {
                for (String params : PARAMS) {
                    try {
                        policy.evaluate(method, params);
                        policy.evaluate(method, params.getBytes(StandardCharsets.UTF_8));
                    } catch (RuntimeException e) {
                        fail("evaluate threw for " + method + " " + params + " under:\n" + text, e);
                    }
                }
            }
        }
        assertTrue(loaded > 100, "mutations too destructive to exercise evaluation: " + loaded);
    }

    private static String mutate(String text, Random random, int times) {
        for (int t = 0; t < times; t++) {
            int at = random.nextInt(text.length() + 1);
            switch (random.nextInt(5)) {
                case 0: // delete a run
                    text = text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(8)));
                    break;
                case 1: // insert a snippet
                    text = text.substring(0, at) + SNIPPETS[random.nextInt(SNIPPETS.length)] + text.substring(at);
                    break;
                case 2: // duplicate a line
                case 3: { // swap two lines
                    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
                    int a = random.nextInt(lines.size());
                    int b = random.nextInt(lines.size());
                    if (random.nextBoolean()) {
                        lines.add(b, lines.get(a));
                    } else {
                        String s = lines.get(a);
                        lines.set(a, lines.get(b));
                        lines.set(b, s);
                    }
                    text = String.join("\n", lines);
                    break;
                }
                default: // truncate
                    text = text.substring(0, at);
                    break;
            }
        }
        return text;
    }
}
