package dev.vouch.policy;

import static dev.vouch.policy.Decisions.summary;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Policy files x calls -> decisions: every operator (hit, miss, missing field, wrong type), every glob shape,
 * every default and every conflict rule of docs/POLICY.md. Each row is evaluated twice, from bytes and from
 * a string, which must agree.
 */
class PolicyDecisionTableTest {

    // One rule per operator, each on its own method, and a blocking default so "no match" shows.
    static final String OPERATORS = """
            defaults:
              default_action: block
            policies:
              - {id: eq, match_methods: [op.eq], action: allow, conditions: [{key: status, operator: eq, value: open}]}
              - {id: eq-number, match_methods: [op.eq_number], action: allow, conditions: [{key: amount, operator: eq, value: 100}]}
              - {id: eq-quoted-number, match_methods: [op.eq_quoted_number], action: allow, conditions: [{key: amount, operator: eq, value: "100"}]}
              - {id: eq-bool, match_methods: [op.eq_bool], action: allow, conditions: [{key: urgent, operator: eq, value: true}]}
              - {id: eq-null, match_methods: [op.eq_null], action: allow, conditions: [{key: owner, operator: eq, value: null}]}
              - {id: ne, match_methods: [op.ne], action: allow, conditions: [{key: status, operator: ne, value: closed}]}
              - {id: lt, match_methods: [op.lt], action: allow, conditions: [{key: amount, operator: lt, value: 100}]}
              - {id: gt, match_methods: [op.gt], action: allow, conditions: [{key: amount, operator: gt, value: 100}]}
              - {id: lte, match_methods: [op.lte], action: allow, conditions: [{key: amount, operator: lte, value: 100.5}]}
              - {id: gte, match_methods: [op.gte], action: allow, conditions: [{key: amount, operator: gte, value: "100"}]}
              - {id: in, match_methods: [op.in], action: allow, conditions: [{key: status, operator: in, value: [open, pending, 7]}]}
              - {id: not_in, match_methods: [op.not_in], action: allow, conditions: [{key: status, operator: not_in, value: [closed, archived]}]}
              - {id: prefix, match_methods: [op.prefix], action: allow, conditions: [{key: path, operator: prefix, value: /tmp/}]}
              - {id: within, match_methods: [op.within], action: allow, conditions: [{key: path, operator: within, value: /tmp/}]}
              - {id: suffix, match_methods: [op.suffix], action: allow, conditions: [{key: path, operator: suffix, value: .txt}]}
              - {id: contains, match_methods: [op.contains], action: allow, conditions: [{key: sql, operator: contains, value: DROP}]}
              - {id: regex, match_methods: [op.regex], action: allow, conditions: [{key: email, operator: regex, value: '@example\\.com$'}]}
              - {id: exists, match_methods: [op.exists], action: allow, conditions: [{key: token, operator: exists, value: true}]}
              - {id: not-exists, match_methods: [op.not_exists], action: allow, conditions: [{key: token, operator: EXISTS, value: false}]}
              - {id: nested, match_methods: [op.nested], action: allow, conditions: [{key: order.total.amount, operator: gt, value: 1000}]}
              - {id: array, match_methods: [op.array], action: allow, conditions: [{key: items.1.sku, operator: eq, value: B-2}]}
              - id: and
                match_methods: [op.and]
                action: allow
                conditions:
                  - {key: amount, operator: gte, value: 10}
                  - {key: currency, operator: in, value: [EUR, USD]}
              - {id: big-exact, match_methods: [op.big], action: allow, conditions: [{key: amount, operator: gt, value: 9007199254740993}]}
            """;

    static final String GLOBS = """
            policies:
              - id: exact
                match_methods: ["db.query"]
              - id: prefix
                match_methods: ["db.*"]
              - id: suffix
                match_methods: ["*.delete"]
              - id: middle
                match_methods: ["fs.*.write"]
              - id: one-char
                match_methods: ["tool.v?"]
              - id: several
                match_methods: ["mail.send", "sms.*"]
              - id: everything
                match_methods: ["*"]
                action: block
            """;

    static final String NO_DEFAULTS = """
            policies:
              - id: stall-deletes
                match_methods: ["*.delete"]
                action: stall
            """;

    static final String DEFAULTS = """
            version: "2026.1"
            defaults:
              default_action: stall
              approval_timeout: 30s
              log_level: metadata_only
              retention_days: 30
              signing_enabled: true
            policies:
              - id: reads
                match_methods: ["*.read"]
                log_level: full_payload
              - id: writes
                match_methods: ["*.write"]
                action: allow
            """;

    static final String FIRST_MATCH_WINS = """
            policies:
              - id: big-refund
                match_methods: ["payments.refund"]
                action: stall
                risk_level: high
                conditions: [{key: amount, operator: gt, value: 1000}]
              - id: refund-to-card
                match_methods: ["payments.refund"]
                action: block
                risk_level: critical
                conditions: [{key: method, operator: eq, value: card}]
              - id: payments
                match_methods: ["payments.*"]
                action: allow
                risk_level: low
            """;

    static final String PRIVACY_ACCUMULATES = """
            defaults:
              default_action: block
            policies:
              - id: refunds
                match_methods: ["payments.refund"]
                action: allow
                redact: [card.number]
              - id: charges
                match_methods: ["payments.charge"]
                action: stall
              - id: hide-ssn
                match_methods: ["*"]
                redact: [customer.ssn, card.number]
              - id: secret-notes
                match_methods: ["payments.*"]
                log_level: metadata_only
                conditions: [{key: note, operator: exists, value: true}]
            """;

    static final String OLDER_ACTIONS = """
            policies:
              - id: contacts
                match_methods: ["crm.export"]
                action: redact
                redact: [email]
              - id: diary
                match_methods: ["diary.*"]
                action: Redact
              - id: approve-deploys
                match_methods: ["deploy.*"]
                action: stall
                approval_timeout: 2m
            """;

    static final String LEGACY_CONDITIONS = """
            policies:
              - id: large-payments
                match_methods: ["stripe:*"]
                action: stall
                conditions:
                  amount_gt: 500
              - id: tiny-or-exact
                match_methods: ["plaid:*"]
                action: stall
                conditions:
                  amount_lte: 1
                  currency_eq: EUR
              - id: at-least
                match_methods: ["wire:*"]
                action: block
                conditions:
                  amount_gte: 10000
                  fee_lt: 5
            """;

    static final Map<String, String> POLICIES = Map.of(
            "OPERATORS", OPERATORS,
            "GLOBS", GLOBS,
            "NO_DEFAULTS", NO_DEFAULTS,
            "DEFAULTS", DEFAULTS,
            "FIRST_MATCH_WINS", FIRST_MATCH_WINS,
            "PRIVACY_ACCUMULATES", PRIVACY_ACCUMULATES,
            "OLDER_ACTIONS", OLDER_ACTIONS,
            "LEGACY_CONDITIONS", LEGACY_CONDITIONS);

    static Stream<Arguments> table() {
        return Stream.of(
                // eq: strings by text
                row("OPERATORS", "op.eq", "{\"status\":\"open\"}", "ALLOW eq"),
                row("OPERATORS", "op.eq", "{\"status\":\"Open\"}", "BLOCK default"),
                row("OPERATORS", "op.eq", "{}", "BLOCK default"),
                row("OPERATORS", "op.eq", "{\"status\":[\"open\"]}", "BLOCK default"),
                // eq: numbers by value; a string holding a number counts as that number
                row("OPERATORS", "op.eq_number", "{\"amount\":100}", "ALLOW eq-number"),
                row("OPERATORS", "op.eq_number", "{\"amount\":100.00}", "ALLOW eq-number"),
                row("OPERATORS", "op.eq_number", "{\"amount\":1e2}", "ALLOW eq-number"),
                row("OPERATORS", "op.eq_number", "{\"amount\":\"100\"}", "ALLOW eq-number"),
                row("OPERATORS", "op.eq_number", "{\"amount\":100.01}", "BLOCK default"),
                row("OPERATORS", "op.eq_number", "{\"amount\":true}", "BLOCK default"),
                row("OPERATORS", "op.eq_quoted_number", "{\"amount\":100.0}", "ALLOW eq-quoted-number"),
                row("OPERATORS", "op.eq_quoted_number", "{\"amount\":\"100\"}", "ALLOW eq-quoted-number"),
                row("OPERATORS", "op.eq_quoted_number", "{\"amount\":\"100.0\"}", "BLOCK default"),
                // eq: booleans, and the strings "true"/"false"
                row("OPERATORS", "op.eq_bool", "{\"urgent\":true}", "ALLOW eq-bool"),
                row("OPERATORS", "op.eq_bool", "{\"urgent\":\"true\"}", "ALLOW eq-bool"),
                row("OPERATORS", "op.eq_bool", "{\"urgent\":false}", "BLOCK default"),
                row("OPERATORS", "op.eq_bool", "{\"urgent\":1}", "BLOCK default"),
                // eq null: the key must be there, holding null
                row("OPERATORS", "op.eq_null", "{\"owner\":null}", "ALLOW eq-null"),
                row("OPERATORS", "op.eq_null", "{}", "BLOCK default"),
                row("OPERATORS", "op.eq_null", "{\"owner\":\"null\"}", "BLOCK default"),
                // ne: present and not equal; a missing field is not "different"
                row("OPERATORS", "op.ne", "{\"status\":\"open\"}", "ALLOW ne"),
                row("OPERATORS", "op.ne", "{\"status\":7}", "ALLOW ne"),
                row("OPERATORS", "op.ne", "{\"status\":\"closed\"}", "BLOCK default"),
                row("OPERATORS", "op.ne", "{}", "BLOCK default"),
                // ordering: numbers and numeric strings only
                row("OPERATORS", "op.lt", "{\"amount\":99.99}", "ALLOW lt"),
                row("OPERATORS", "op.lt", "{\"amount\":100}", "BLOCK default"),
                row("OPERATORS", "op.lt", "{\"amount\":-5}", "ALLOW lt"),
                row("OPERATORS", "op.gt", "{\"amount\":101}", "ALLOW gt"),
                row("OPERATORS", "op.gt", "{\"amount\":\"150.50\"}", "ALLOW gt"),
                row("OPERATORS", "op.gt", "{\"amount\":100}", "BLOCK default"),
                row("OPERATORS", "op.gt", "{\"amount\":\"lots\"}", "BLOCK default"),
                row("OPERATORS", "op.gt", "{\"amount\":null}", "BLOCK default"),
                row("OPERATORS", "op.gt", "{\"amount\":{\"value\":500}}", "BLOCK default"),
                row("OPERATORS", "op.gt", "{}", "BLOCK default"),
                row("OPERATORS", "op.lte", "{\"amount\":100.5}", "ALLOW lte"),
                row("OPERATORS", "op.lte", "{\"amount\":100.51}", "BLOCK default"),
                row("OPERATORS", "op.gte", "{\"amount\":100}", "ALLOW gte"),
                row("OPERATORS", "op.gte", "{\"amount\":99}", "BLOCK default"),
                row("OPERATORS", "op.big", "{\"amount\":9007199254740994}", "ALLOW big-exact"),
                row("OPERATORS", "op.big", "{\"amount\":9007199254740993}", "BLOCK default"),
                row("OPERATORS", "op.big", "{\"amount\":123456789012345678901234567890}", "ALLOW big-exact"),
                // in / not_in: eq against each value
                row("OPERATORS", "op.in", "{\"status\":\"pending\"}", "ALLOW in"),
                row("OPERATORS", "op.in", "{\"status\":7.0}", "ALLOW in"),
                row("OPERATORS", "op.in", "{\"status\":\"closed\"}", "BLOCK default"),
                row("OPERATORS", "op.in", "{}", "BLOCK default"),
                row("OPERATORS", "op.not_in", "{\"status\":\"open\"}", "ALLOW not_in"),
                row("OPERATORS", "op.not_in", "{\"status\":\"archived\"}", "BLOCK default"),
                row("OPERATORS", "op.not_in", "{}", "BLOCK default"),
                // string operators: strings only
                row("OPERATORS", "op.prefix", "{\"path\":\"/tmp/x\"}", "ALLOW prefix"),
                row("OPERATORS", "op.prefix", "{\"path\":\"/etc/passwd\"}", "BLOCK default"),
                row("OPERATORS", "op.prefix", "{\"path\":42}", "BLOCK default"),
                // An outside red team: /tmp/../etc/passwd passed prefix /tmp/; within resolves the path first.
                row("OPERATORS", "op.prefix", "{\"path\":\"/tmp/../etc/passwd\"}", "ALLOW prefix"),
                row("OPERATORS", "op.within", "{\"path\":\"/tmp/../etc/passwd\"}", "BLOCK default"),
                row("OPERATORS", "op.within", "{\"path\":\"/tmp/x\"}", "ALLOW within"),
                row("OPERATORS", "op.within", "{\"path\":\"/tmp\"}", "ALLOW within"),
                row("OPERATORS", "op.within", "{\"path\":\"//tmp/./a/../b\"}", "ALLOW within"),
                row("OPERATORS", "op.within", "{\"path\":\"/tmp/a/../../etc\"}", "BLOCK default"),
                row("OPERATORS", "op.within", "{\"path\":\"/tmpfoo/x\"}", "BLOCK default"),
                row("OPERATORS", "op.within", "{\"path\":\"/tmp/..\"}", "BLOCK default"),
                row("OPERATORS", "op.within", "{\"path\":\"/../tmp/x\"}", "BLOCK default"),
                row("OPERATORS", "op.within", "{\"path\":\"tmp/x\"}", "BLOCK default"),
                row("OPERATORS", "op.within", "{\"path\":\"/tmp/x\\u0000\"}", "BLOCK default"),
                row("OPERATORS", "op.within", "{\"path\":[\"/tmp/x\"]}", "BLOCK default"),
                row("OPERATORS", "op.suffix", "{\"path\":\"notes.txt\"}", "ALLOW suffix"),
                row("OPERATORS", "op.suffix", "{\"path\":\"notes.txt.exe\"}", "BLOCK default"),
                row("OPERATORS", "op.contains", "{\"sql\":\"DROP TABLE users\"}", "ALLOW contains"),
                row("OPERATORS", "op.contains", "{\"sql\":\"drop table users\"}", "BLOCK default"),
                row("OPERATORS", "op.regex", "{\"email\":\"ann@example.com\"}", "ALLOW regex"),
                row("OPERATORS", "op.regex", "{\"email\":\"ann@example.com.evil\"}", "BLOCK default"),
                row("OPERATORS", "op.regex", "{\"email\":[\"ann@example.com\"]}", "BLOCK default"),
                // exists: the only operator true for a missing field
                row("OPERATORS", "op.exists", "{\"token\":null}", "ALLOW exists"),
                row("OPERATORS", "op.exists", "{\"token\":{}}", "ALLOW exists"),
                row("OPERATORS", "op.exists", "{}", "BLOCK default"),
                row("OPERATORS", "op.not_exists", "{}", "ALLOW not-exists"),
                row("OPERATORS", "op.not_exists", "", "ALLOW not-exists"),
                row("OPERATORS", "op.not_exists", "null", "ALLOW not-exists"),
                row("OPERATORS", "op.not_exists", "{\"token\":\"t\"}", "BLOCK default"),
                // paths into objects and arrays
                row("OPERATORS", "op.nested", "{\"order\":{\"total\":{\"amount\":1500}}}", "ALLOW nested"),
                row("OPERATORS", "op.nested", "{\"order\":{\"total\":5000}}", "BLOCK default"),
                row("OPERATORS", "op.nested", "{\"order.total.amount\":5000}", "BLOCK default"),
                row("OPERATORS", "op.array", "{\"items\":[{\"sku\":\"A-1\"},{\"sku\":\"B-2\"}]}", "ALLOW array"),
                row("OPERATORS", "op.array", "{\"items\":[{\"sku\":\"B-2\"}]}", "BLOCK default"),
                row("OPERATORS", "op.array", "{\"items\":{\"1\":{\"sku\":\"B-2\"}}}", "ALLOW array"),
                // all conditions of a rule must hold
                row("OPERATORS", "op.and", "{\"amount\":10,\"currency\":\"EUR\"}", "ALLOW and"),
                row("OPERATORS", "op.and", "{\"amount\":10,\"currency\":\"GBP\"}", "BLOCK default"),
                row("OPERATORS", "op.and", "{\"amount\":9,\"currency\":\"EUR\"}", "BLOCK default"),
                // unreadable parameters, where a condition needs them: blocked
                row("OPERATORS", "op.gt", "{\"amount\":500", "BLOCK default"),
                row("OPERATORS", "op.gt", "[500]", "BLOCK default"),
                row("OPERATORS", "op.gt", "{\"amount\":1,\"amount\":500}", "BLOCK default"),

                // globs: first match in file order
                row("GLOBS", "db.query", "{}", "ALLOW exact"),
                row("GLOBS", "db.insert", "{}", "ALLOW prefix"),
                row("GLOBS", "db.users.delete", "{}", "ALLOW prefix"),
                row("GLOBS", "files.delete", "{}", "ALLOW suffix"),
                row("GLOBS", "fs.tmp.write", "{}", "ALLOW middle"),
                row("GLOBS", "fs.a.b.write", "{}", "ALLOW middle"),
                row("GLOBS", "fs.write", "{}", "BLOCK everything"),
                row("GLOBS", "tool.v2", "{}", "ALLOW one-char"),
                row("GLOBS", "tool.v", "{}", "BLOCK everything"),
                row("GLOBS", "tool.v10", "{}", "BLOCK everything"),
                row("GLOBS", "mail.send", "{}", "ALLOW several"),
                row("GLOBS", "sms.send", "{}", "ALLOW several"),
                row("GLOBS", "DB.query", "{}", "BLOCK everything"),
                row("GLOBS", "db", "{}", "BLOCK everything"),
                row("GLOBS", "", "{}", "BLOCK everything"),

                // defaults
                row("NO_DEFAULTS", "files.delete", "{}", "STALL stall-deletes"),
                row("NO_DEFAULTS", "files.read", "{}", "ALLOW default"),
                row("DEFAULTS", "files.read", "{}", "STALL reads"),
                row("DEFAULTS", "files.write", "{}", "ALLOW writes metadata_only"),
                row("DEFAULTS", "files.rename", "{}", "STALL default metadata_only"),

                // conflicts: the first matching rule decides
                row("FIRST_MATCH_WINS", "payments.refund", "{\"amount\":5000,\"method\":\"card\"}", "STALL big-refund risk=HIGH"),
                row("FIRST_MATCH_WINS", "payments.refund", "{\"amount\":50,\"method\":\"card\"}", "BLOCK refund-to-card risk=CRITICAL"),
                row("FIRST_MATCH_WINS", "payments.refund", "{\"amount\":50,\"method\":\"bank\"}", "ALLOW payments risk=LOW"),
                row("FIRST_MATCH_WINS", "payments.charge", "{\"amount\":5000,\"method\":\"card\"}", "ALLOW payments risk=LOW"),
                row("FIRST_MATCH_WINS", "orders.list", "{}", "ALLOW default"),
                // ...but redactions and metadata_only of every matching rule apply
                row("PRIVACY_ACCUMULATES", "payments.refund", "{}", "ALLOW refunds redact=card.number,customer.ssn"),
                row("PRIVACY_ACCUMULATES", "payments.refund", "{\"note\":\"x\"}", "ALLOW refunds redact=card.number,customer.ssn metadata_only"),
                row("PRIVACY_ACCUMULATES", "payments.charge", "{}", "STALL charges redact=customer.ssn,card.number"),
                row("PRIVACY_ACCUMULATES", "crm.lookup", "{}", "BLOCK hide-ssn redact=customer.ssn,card.number"),
                row("PRIVACY_ACCUMULATES", "payments.charge", "{\"note\":", "BLOCK default redact=customer.ssn,card.number metadata_only"),

                // the older generation's actions
                row("OLDER_ACTIONS", "crm.export", "{}", "ALLOW contacts redact=email"),
                row("OLDER_ACTIONS", "diary.write", "{}", "ALLOW diary metadata_only"),
                row("OLDER_ACTIONS", "deploy.prod", "{}", "STALL approve-deploys"),
                // the older generation's map conditions hold when the amount is missing or not a number
                row("LEGACY_CONDITIONS", "stripe:charge", "{\"amount\":2000}", "STALL large-payments"),
                row("LEGACY_CONDITIONS", "stripe:charge", "{\"amount\":\"2000\"}", "STALL large-payments"),
                row("LEGACY_CONDITIONS", "stripe:charge", "{\"amount\":500}", "ALLOW default"),
                row("LEGACY_CONDITIONS", "stripe:charge", "{\"amount\":499.99}", "ALLOW default"),
                row("LEGACY_CONDITIONS", "stripe:charge", "{\"other\":1}", "STALL large-payments"),
                row("LEGACY_CONDITIONS", "stripe:charge", "{\"amount\":\"a lot\"}", "STALL large-payments"),
                row("LEGACY_CONDITIONS", "plaid:send", "{\"amount\":1,\"currency\":\"EUR\"}", "STALL tiny-or-exact"),
                row("LEGACY_CONDITIONS", "plaid:send", "{\"amount\":1,\"currency\":\"USD\"}", "ALLOW default"),
                row("LEGACY_CONDITIONS", "plaid:send", "{\"amount\":2}", "ALLOW default"),
                row("LEGACY_CONDITIONS", "wire:send", "{\"amount\":10000,\"fee\":4.99}", "BLOCK at-least"),
                row("LEGACY_CONDITIONS", "wire:send", "{\"amount\":10000,\"fee\":5}", "ALLOW default"),
                row("LEGACY_CONDITIONS", "wire:send", "{}", "BLOCK at-least"));
    }

    private static Arguments row(String policy, String method, String params, String expected) {
        return Arguments.of(policy, method, params, expected);
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @MethodSource("table")
    void shouldDecideAsTheTableSays(String policyName, String method, String params, String expected) {
        Policy policy = Policy.parse(POLICIES.get(policyName), policyName);
        assertEquals(expected, summary(policy.evaluate(method, params.getBytes(StandardCharsets.UTF_8))));
        assertEquals(expected, summary(policy.evaluate(method, params)));
    }
}
