package dev.vouch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of broken policy file, each with its exact position and message (docs/POLICY.md, "Errors"). */
class MalformedPolicyTest {

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                // ---- the file as a whole
                broken("empty file", "", "1:1: found an empty file; expected a mapping with 'policies' (and optionally 'version' and 'defaults')"),
                broken("only comments", "# nothing here\n",
                        "1:1: found an empty file; expected a mapping with 'policies' (and optionally 'version' and 'defaults')"),
                broken("top level is a list", "- a\n- b\n",
                        "1:1: found a list at the top level; expected a mapping with 'policies' (and optionally 'version' and 'defaults')"),
                broken("two documents", "policies: []\n---\npolicies: []\n",
                        "2:1: found a second YAML document; expected one document per policy file"),
                broken("YAML syntax: unclosed flow list", """
                        policies:
                          - id: a
                            match_methods: ["x"
                        """,
                        "4:1: YAML syntax error: expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 3, column 20)"),
                broken("YAML syntax: bad indentation", """
                        policies:
                          - id: a
                          match_methods: ["x"]
                        """,
                        "3:3: YAML syntax error: expected <block end>, but found '?' (while parsing a block collection at line 2, column 3); check the indentation"),
                broken("YAML syntax: tab indentation", "policies:\n\t- id: a\n",
                        "2:1: YAML syntax error: found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"),
                broken("YAML syntax: unquoted lone star", """
                        policies:
                          - id: a
                            match_methods: [*]
                        """,
                        "3:22: YAML syntax error: unexpected character found ](93) (while scanning an alias at line 3, column 21); a lone * must be quoted: \"*\""),
                broken("anchor", "base: &b {id: a, match_methods: [x]}\npolicies: [*b]\n",
                        "1:7: found the anchor &b; expected plain values (anchors and aliases are not supported, write the value out)"),
                broken("alias", "policies:\n  - id: a\n    match_methods: [x]\n    reason: *r\n",
                        "4:13: found the alias *r; expected plain values (anchors and aliases are not supported, write the value out)"),
                broken("tag", "policies:\n  - !!map {id: a, match_methods: [x]}\n",
                        "2:5: found the tag tag:yaml.org,2002:map; expected untagged values (YAML tags are not supported; quote a value to make it a string)"),
                broken("control character", "policies: []\u0007\n",
                        "1:13: found the control character U+0007; expected printable text"),

                // ---- unknown keys, at every level
                broken("unknown top-level key", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                        polices: []
                        """,
                        "4:1: found unknown key 'polices' at the top level; expected one of version, defaults, policies (did you mean 'policies'?)"),
                broken("unknown defaults key", """
                        defaults:
                          default_action: block
                          retention: 5
                        """,
                        "3:3: found unknown key 'retention' in defaults; expected one of default_action, approval_timeout, log_level, retention_days, signing_enabled"),
                broken("unknown rule key", """
                        policies:
                          - id: a
                            match_method: ["x"]
                        """,
                        "3:5: found unknown key 'match_method' in rule 'a'; expected one of id, match_methods, conditions, action, redact, risk_level, log_level, reason, approval_timeout, proof_of_refusal, name, description (did you mean 'match_methods'?)"),
                broken("unknown condition key", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - key: amount
                                operator: gt
                                value: 5
                                unit: eur
                        """,
                        "8:9: found unknown key 'unit' in a condition of rule 'a'; expected one of key, operator, value"),
                broken("unknown older-form condition", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              amount_over: 5
                        """,
                        "5:7: found condition \"amount_over\"; expected <parameter>_gt, _gte, _lt, _lte or _eq (such as amount_gt), or the list form with key, operator and value"),

                // ---- duplicates
                broken("duplicate key", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            action: allow
                            action: block
                        """,
                        "5:5: found key 'action' a second time in rule 'a' (first at line 4); expected each key once"),
                broken("duplicate top-level key", "policies: []\npolicies: []\n",
                        "2:1: found key 'policies' a second time at the top level (first at line 1); expected each key once"),
                broken("duplicate rule id", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                          - id: a
                            match_methods: ["y"]
                        """,
                        "4:9: found rule id \"a\" a second time (first at line 2); expected every rule id to be unique"),
                // An outside trial's rule named so could not be told from "no rule matched" in the journal.
                broken("rule id default", """
                        policies:
                          - id: default
                            match_methods: ["x"]
                        """,
                        "2:9: found rule id \"default\", which reads as \"default\", the name of the default decision (no"
                                + " rule matched) in the journal and in answers; expected another id"),
                broken("rule id Default with a space", """
                        policies:
                          - id: "Default "
                            match_methods: ["x"]
                        """,
                        "2:9: found rule id \"Default \", which reads as \"default\", the name of the default decision (no"
                                + " rule matched) in the journal and in answers; expected another id"),

                // ---- missing and empty values
                broken("missing id", """
                        policies:
                          - match_methods: ["x"]
                            action: block
                        """,
                        "2:5: found rule #1 without 'id'; expected every rule to have a unique id"),
                broken("empty id", "policies:\n  - id: \"\"\n    match_methods: [\"x\"]\n",
                        "2:9: found an empty 'id'; expected the rule's id"),
                broken("null id", "policies:\n  - id:\n    match_methods: [\"x\"]\n",
                        "2:8: found no value for 'id'; expected the rule's id"),
                broken("missing match_methods", "policies:\n  - id: a\n    action: block\n",
                        "2:5: found rule 'a' without 'match_methods'; expected a list of method names or globs"),
                broken("empty match_methods", "policies:\n  - id: a\n    match_methods: []\n",
                        "3:20: found an empty 'match_methods'; expected at least one method name or glob (\"*\" matches every method)"),
                broken("condition without value", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: amount, operator: gt}
                        """,
                        "5:9: found a condition of rule 'a' without 'value'; expected key, operator and value"),

                // ---- wrong types
                broken("policies is a mapping", "policies: {id: a}\n",
                        "1:11: found a mapping for 'policies'; expected a list of rules"),
                broken("defaults is a list", "defaults: [block]\n",
                        "1:11: found a list in defaults; expected a mapping of default settings"),
                broken("rule is a string", "policies:\n  - allow everything\n",
                        "2:5: found the string \"allow everything\" in rule #1; expected a rule: a mapping with 'id' and 'match_methods'"),
                broken("match_methods is a string", "policies:\n  - id: a\n    match_methods: \"db.*\"\n",
                        "3:20: found the string \"db.*\" for 'match_methods'; expected a list of method names or globs"),
                broken("match_methods entry is a mapping", "policies:\n  - id: a\n    match_methods: [{db: x}]\n",
                        "3:21: found a mapping for 'match_methods'; expected a method name or glob"),
                broken("conditions is a string", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    conditions: \"amount > 5\"\n",
                        "4:17: found the string \"amount > 5\" for 'conditions'; expected a list of {key, operator, value}"),
                broken("condition is a string", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    conditions: [amount_gt]\n",
                        "4:18: found the string \"amount_gt\" in a condition of rule 'a'; expected a condition: a mapping with key, operator and value"),
                broken("redact is a string", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    redact: password\n",
                        "4:13: found the string \"password\" for 'redact'; expected a list of parameter paths to redact"),
                broken("reason is a list", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    reason: [a, b]\n",
                        "4:13: found a list for 'reason'; expected a text"),
                broken("key is a list", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    [a]: 1\n",
                        "4:5: found a list as a key in rule 'a'; expected a key name"),
                broken("retention_days is text", "defaults:\n  retention_days: ninety\n",
                        "2:19: found the string \"ninety\" for 'retention_days'; expected a whole number from 1 to 2147483647"),
                broken("retention_days is zero", "defaults:\n  retention_days: 0\n",
                        "2:19: found the number 0 for 'retention_days'; expected a whole number from 1 to 2147483647"),
                broken("signing_enabled is text", "defaults:\n  signing_enabled: sometimes\n",
                        "2:20: found the string \"sometimes\" for 'signing_enabled'; expected true or false"),
                broken("approval_timeout without unit", "defaults:\n  approval_timeout: 600\n",
                        "2:21: found the number 600 for 'approval_timeout'; expected a duration with a unit, such as 30s, 10m or 1h30m"),
                broken("approval_timeout in words", "defaults:\n  approval_timeout: 10 minutes\n",
                        "2:21: found the string \"10 minutes\" for 'approval_timeout'; expected a duration with a unit, such as 30s, 10m or 1h30m"),
                broken("approval_timeout with a day unit", "defaults:\n  approval_timeout: 1d\n",
                        "2:21: found the unit \"d\" in 'approval_timeout'; expected ms, s, m or h"),
                broken("approval_timeout zero", "defaults:\n  approval_timeout: 0s\n",
                        "2:21: found the string \"0s\" for 'approval_timeout'; expected a duration with a unit, such as 30s, 10m or 1h30m (more than zero)"),

                // ---- unknown words
                broken("unsupported version", "version: \"1.0\"\npolicies: []\n",
                        "1:10: found version \"1.0\"; expected \"2026.1\" (the only version of the format, shared with the original Vouch)"),
                broken("unknown action", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    action: deny\n",
                        "4:13: found action \"deny\"; expected allow, block, stall or redact"),
                broken("redact as default action", "defaults:\n  default_action: redact\n",
                        "2:19: found default_action \"redact\"; expected one of allow, block, stall"),
                broken("unknown risk level", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    risk_level: severe\n",
                        "4:17: found risk_level \"severe\"; expected one of low, medium, high, critical"),
                broken("unknown log level", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    log_level: verbose\n",
                        "4:16: found log_level \"verbose\"; expected one of full_payload, metadata_only"),
                broken("unknown operator", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: amount, operator: greater, value: 5}
                        """,
                        "5:33: found operator \"greater\"; expected one of eq, ne, lt, gt, lte, gte, in, not_in, prefix, suffix, contains, regex, exists, within"),
                broken("within a relative path", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    conditions:\n"
                        + "      - {key: path, operator: within, value: tmp}\n",
                        "5:46: found the string \"tmp\" for 'value'; expected an absolute directory path such as \"/tmp\", without .. segments for operator within"),
                broken("within with ..", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    conditions:\n"
                        + "      - {key: path, operator: within, value: /tmp/../etc}\n",
                        "5:46: found the string \"/tmp/../etc\" for 'value'; expected an absolute directory path such as \"/tmp\", without .. segments for operator within"),

                // ---- bad patterns, paths and regexes
                broken("glob with a character class", "policies:\n  - id: a\n    match_methods: [\"db.[ab]\"]\n",
                        "3:21: found '[' in method pattern \"db.[ab]\"; expected only names with * (any run of characters, dots included) and ? (one character)"),
                broken("glob with **", "policies:\n  - id: a\n    match_methods: [\"db.**\"]\n",
                        "3:21: found '**' in method pattern \"db.**\"; expected a single * (it already matches dots)"),
                broken("empty glob", "policies:\n  - id: a\n    match_methods: [\"\"]\n",
                        "3:21: found an empty method pattern; expected a method name or a glob such as \"db.*\""),
                broken("glob with a space", "policies:\n  - id: a\n    match_methods: [\"db. read\"]\n",
                        "3:21: found a space or control character in method pattern \"db. read\"; expected a method name without spaces"),
                // An outside trial: both loaded, and "block db.drop" never matched db.drop.
                broken("glob with a no-break space", "policies:\n  - id: a\n    match_methods: [\"db.drop\u00a0\"]\n",
                        "3:21: found the invisible character U+00A0 in method pattern \"db.drop\\u00a0\"; expected a method"
                                + " name of visible characters (a rule with it never matches the name it looks like)"),
                // A re-trial: these were accepted, and the rule never matched shell.exec.
                broken("glob with a variation selector", "policies:\n  - id: a\n    match_methods: [\"shell\ufe0f.exec\"]\n",
                        "3:21: found the invisible character U+FE0F in method pattern \"shell\\ufe0f.exec\"; expected a method"
                                + " name of visible characters (a rule with it never matches the name it looks like)"),
                broken("glob with a tag character", "policies:\n  - id: a\n    match_methods: [\"shell\udb40\udc41.exec\"]\n",
                        "3:21: found the invisible character U+E0041 in method pattern \"shell\udb40\udc41.exec\"; expected a"
                                + " method name of visible characters (a rule with it never matches the name it looks like)"),
                broken("glob with a Hangul filler", "policies:\n  - id: a\n    match_methods: [\"shell\u3164.exec\"]\n",
                        "3:21: found the invisible character U+3164 in method pattern \"shell\\u3164.exec\"; expected a method"
                                + " name of visible characters (a rule with it never matches the name it looks like)"),
                broken("glob with a zero-width space", "policies:\n  - id: a\n    match_methods: [\"db.\u200bdrop\"]\n",
                        "3:21: found the invisible character U+200B in method pattern \"db.\\u200bdrop\"; expected a method"
                                + " name of visible characters (a rule with it never matches the name it looks like)"),
                broken("bad regex", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: email, operator: regex, value: "([a-z]+"}
                        """,
                        "5:46: found a regular expression Vouch cannot use \"([a-z]+\" (missing closing )); expected an RE2 regular expression, which matches in linear time: no backreferences, lookahead or lookbehind (docs/POLICY.md, \"Regular expressions\")"),
                broken("regex with a lookahead (RE2 has none)", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: email, operator: regex, value: "^(?=admin)"}
                        """,
                        "5:46: found a regular expression Vouch cannot use \"^(?=admin)\" (invalid or unsupported Perl syntax); expected an RE2 regular expression, which matches in linear time: no backreferences, lookahead or lookbehind (docs/POLICY.md, \"Regular expressions\")"),
                broken("regex with a backreference (RE2 has none)", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: email, operator: regex, value: "(a)\\\\1"}
                        """,
                        "5:46: found a regular expression Vouch cannot use \"(a)\\\\1\" (invalid escape sequence); expected an RE2 regular expression, which matches in linear time: no backreferences, lookahead or lookbehind (docs/POLICY.md, \"Regular expressions\")"),
                broken("path with an empty segment", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: "order..amount", operator: gt, value: 5}
                        """,
                        "5:15: found an empty segment in path \"order..amount\"; expected names separated by single dots, such as \"order.amount\""),
                broken("redact path with a leading dot", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    redact: [\".password\"]\n",
                        "4:14: found an empty segment in path \".password\"; expected names separated by single dots, such as \"order.amount\""),
                // An outside trial: "a.*" loaded and hid only a member named "*", the rest of a stayed in clear.
                broken("redact path with a wildcard", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    redact: [\"card.*\"]\n",
                        "4:14: found \"*\" in path \"card.*\"; a path names members one by one (no wildcards, no [brackets],"
                                + " no leading $): write \"order.amount\" or \"items.0.sku\", one path per member; to keep every"
                                + " parameter out of the journal, use log_level: metadata_only"),
                broken("condition key in JSONPath", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    conditions:\n"
                        + "      - {key: \"items[0].sku\", operator: eq, value: 5}\n",
                        "5:15: found \"items[0]\" in path \"items[0].sku\"; a path names members one by one (no wildcards, no"
                                + " [brackets], no leading $): write \"order.amount\" or \"items.0.sku\", one path per member; to"
                                + " keep every parameter out of the journal, use log_level: metadata_only"),

                // ---- operator operands
                broken("in with a non-list value", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: status, operator: in, value: open}
                        """,
                        "5:44: found the string \"open\" for 'value'; expected a list of values for operator in"),
                broken("in with an empty list", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: s, operator: not_in, value: []}
                        """,
                        "5:43: found an empty list for 'value'; expected at least one value for operator not_in"),
                broken("eq with a list", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: s, operator: eq, value: [a, b]}
                        """,
                        "5:39: found a list for 'value'; expected a single value for operator eq (use operator in for a list)"),
                broken("gt with text", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: amount, operator: gt, value: lots}
                        """,
                        "5:44: found the string \"lots\" for 'value'; expected a number for operator gt"),
                broken("hex number", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: amount, operator: gt, value: 0x1F}
                        """,
                        "5:44: found the number 0x1F in a notation Vouch does not read; expected a plain decimal number such as 1000 or 0.5 (or quote it to compare text)"),
                broken("older-form gt with text", "policies:\n  - id: a\n    match_methods: [\"x\"]\n    conditions:\n      amount_gt: lots\n",
                        "5:18: found the string \"lots\" for 'value'; expected a number for operator gt"),
                broken("prefix with a number", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: path, operator: prefix, value: 42}
                        """,
                        "5:46: found the number 42 for 'value'; expected a string for operator prefix (quote it: \"42\")"),
                broken("contains with an empty string", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: sql, operator: contains, value: ""}
                        """,
                        "5:47: found an empty string for 'value'; expected at least one character for operator contains (an empty one matches every string)"),
                broken("exists with text", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            conditions:
                              - {key: token, operator: exists, value: "yes"}
                        """,
                        "5:47: found the string \"yes\" for 'value'; expected true or false for operator exists"),

                // ---- settings Vouch refuses rather than ignores
                broken("signing_enabled false", "defaults:\n  signing_enabled: false\n",
                        "2:20: found signing_enabled: false; expected true or no setting: Vouch signs every checkpoint and cannot turn signing off (an unsigned journal proves nothing)"),
                broken("proof_of_refusal false", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            action: stall
                            proof_of_refusal: no
                        """,
                        "5:23: found proof_of_refusal: false; expected true or no setting: Vouch always records refused calls (a refusal without a record could not be proven)"),
                broken("approval_timeout on a rule that does not stall", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            approval_timeout: 5m
                        """,
                        "4:5: found 'approval_timeout' in rule 'a', whose action is allow; expected it only in rules with action: stall"),
                broken("action redact without fields but full payload", """
                        policies:
                          - id: a
                            match_methods: ["x"]
                            action: redact
                            log_level: full_payload
                        """,
                        "4:13: found action: redact without a 'redact' list together with log_level: full_payload; expected the fields to redact in 'redact' (without them, action: redact keeps only a digest of the parameters)"),
                broken("stall rule below allow-everything (an older-generation ordering)", """
                        policies:
                          - id: all
                            match_methods: ["*"]
                            action: allow
                          - id: pay
                            match_methods: ["stripe:*"]
                            action: stall
                        """,
                        "5:9: found rule 'pay' after rule 'all' (line 2), which has no conditions and matches every method 'pay' matches, so its action would never apply; expected 'pay' above 'all' (the first matching rule decides)"),
                broken("rule that can never match", """
                        policies:
                          - id: block-db
                            match_methods: ["db.*"]
                            action: block
                          - id: read
                            match_methods: ["db.read", "db.re?d"]
                        """,
                        "5:9: found rule 'read' after rule 'block-db' (line 2), which has no conditions and matches every method 'read' matches, so it would never apply; expected 'read' above 'block-db' (the first matching rule decides)"),
                broken("shadowed risk level", """
                        policies:
                          - id: tag-aws
                            match_methods: ["aws:*"]
                          - id: tag-s3
                            match_methods: ["aws:s3:*"]
                            risk_level: low
                            reason: reads
                        """,
                        "4:9: found rule 'tag-s3' after rule 'tag-aws' (line 2), which has no conditions and matches every method 'tag-s3' matches, so its risk_level, reason would never apply; expected 'tag-s3' above 'tag-aws' (the first matching rule decides)"),
                // An outside trial: the message named only 'a', which does not match db.bX.
                broken("shadowed by two rules together", """
                        policies:
                          - id: a
                            match_methods: ["db.a*"]
                          - id: a2
                            match_methods: ["db.b*"]
                          - id: b
                            match_methods: ["db.a*", "db.b*"]
                            action: block
                        """,
                        "6:9: found rule 'b' after rules 'a' (line 2) and 'a2' (line 4), which have no conditions and together match every method 'b' matches, so its action would never apply; expected 'b' above them (the first matching rule decides)"));
    }

    private static Arguments broken(String name, String yaml, String expected) {
        return Arguments.of(name, yaml, "broken.yaml:" + expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void shouldRefuseWithPositionAndMessage(String name, String yaml, String expected) {
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.parse(yaml, "broken.yaml"));
        assertEquals(expected, e.getMessage());
        String[] parts = expected.split(":", 4);
        assertEquals("broken.yaml", e.source());
        assertEquals(Integer.parseInt(parts[1]), e.line());
        assertEquals(Integer.parseInt(parts[2]), e.column());
        assertEquals(parts[3].substring(1), e.detail());
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8AtTheirPosition(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("vouch-policy.yaml");
        byte[] head = "policies:\n  - id: caf".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 1 + "\n".length()];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xe9; // Latin-1 'é'
        bytes[head.length + 1] = '\n';
        Files.write(file, bytes);
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.load(file));
        assertEquals(file + ":2:12: found bytes that are not UTF-8; expected a UTF-8 text file", e.getMessage());
    }

    @Test
    void shouldRefuseAMissingFileNamingIt(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.load(file));
        assertEquals(file + ": found no file; expected a policy file (vouch-policy.yaml)", e.getMessage());
        assertEquals(0, e.line());
        assertEquals(0, e.column());
    }

    @Test
    void shouldRefuseAFileOverOneMebibyte(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge.yaml");
        Files.write(file, ("policies: []\n" + "#".repeat(Policy.MAX_FILE_BYTES)).getBytes(StandardCharsets.UTF_8));
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.load(file));
        assertEquals(file + ": found a file of more than 1048576 bytes; expected a policy file of at most 1 MiB",
                e.getMessage());
    }

    /** A re-trial: a block rule for "cafe\u0301.delete" never matched "caf\u00e9.delete", nor the other way round. */
    @Test
    void shouldMatchNamesThatLookAlikeInUnicodeNfc() {
        Policy composed = Policy.parse("policies:\n  - id: a\n    match_methods: [\"caf\u00e9.delete\"]\n    action: block\n",
                "nfc.yaml");
        Policy decomposed = Policy.parse("policies:\n  - id: a\n    match_methods: [\"cafe\u0301.delete\"]\n    action: block\n",
                "nfd.yaml");
        for (Policy p : java.util.List.of(composed, decomposed)) {
            for (String name : java.util.List.of("caf\u00e9.delete", "cafe\u0301.delete")) {
                assertEquals(dev.vouch.policy.Action.BLOCK, p.evaluate(name, "{}").action(), name);
                assertTrue(p.alwaysBlocks(name), name);
            }
        }
        PolicyException privateUse = assertThrows(PolicyException.class, () -> Policy.parse(
                "policies:\n  - id: a\n    match_methods: [\"db\ue000.drop\"]\n    action: block\n", "pua.yaml"));
        assertTrue(privateUse.getMessage().contains("found the invisible character U+E000"), privateUse.getMessage());
    }

    @Test
    void shouldAcceptVisibleCharactersBeyondAsciiInMethodPatterns() {
        Policy p = Policy.parse("policies:\n  - id: a\n    match_methods: [\"caf\u00e9.\ud83d\udce6*\"]\n    action: block\n",
                "visible.yaml");
        assertEquals(dev.vouch.policy.Action.BLOCK, p.evaluate("caf\u00e9.\ud83d\udce6.send", "{}").action());
    }

    @Test
    void shouldRefuseDeepNestingWithoutRecursingForever() {
        String yaml = "policies: " + "[".repeat(100) + "]".repeat(100) + "\n";
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.parse(yaml, "deep.yaml"));
        assertTrue(e.getMessage().startsWith("deep.yaml:1:"), e.getMessage());
        // Where the nesting goes too deep, not 1:1 (an outside trial's 50 brackets on line 2).
        PolicyException there = assertThrows(PolicyException.class,
                () -> Policy.parse("version: \"1\"\npolicies: " + "[".repeat(50) + "]".repeat(50) + "\n", "deep.yaml"));
        assertEquals("deep.yaml:2:30: found values nested more than 20 deep; expected a policy (its deepest structure,"
                + " a list inside a condition, is 6 deep)", there.getMessage());
        // A file holding only ~ is not empty: said so.
        PolicyException tilde = assertThrows(PolicyException.class, () -> Policy.parse("\n~\n", "null.yaml"));
        assertEquals("null.yaml:2:1: found only a null value (\"~\"); expected a mapping with 'policies' (and optionally"
                + " 'version' and 'defaults')", tilde.getMessage());
    }

    @Test
    void shouldAcceptAUtf8ByteOrderMarkAndHashTheExactBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bom.yaml");
        byte[] text = "policies: []\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 3];
        bytes[0] = (byte) 0xef;
        bytes[1] = (byte) 0xbb;
        bytes[2] = (byte) 0xbf;
        System.arraycopy(text, 0, bytes, 3, text.length);
        Files.write(file, bytes);
        Policy policy = Policy.load(file);
        assertEquals(Policy.sha256Hex(bytes), policy.sha256Hex());
    }
}
