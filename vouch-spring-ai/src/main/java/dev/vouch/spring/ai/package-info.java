/**
 * Spring Boot starter that puts the Vouch guard in front of every Spring AI tool. {@link dev.vouch.spring.ai.VouchAutoConfiguration}
 * opens a {@code Ledger} and builds a {@code Guard} from {@link dev.vouch.spring.ai.VouchProperties} ({@code vouch.*}),
 * and decorates every {@code ToolCallback} and {@code ToolCallbackProvider} bean, MCP tools from the Spring AI MCP
 * client starter included: each call is judged by the policy and recorded, write-ahead, before the tool runs. A
 * blocked, refused or pending call becomes a tool result the model reads; stalled calls are answered and resumed
 * through {@link dev.vouch.spring.ai.VouchApprovals}.
 *
 * <p>Everything else in this package is package-private: the decorator, the post-processor that applies it, the
 * health indicator.
 */
package dev.vouch.spring.ai;
