package dev.vouch.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public surface of vouch-mcp, so that it cannot grow unnoticed. */
class PublicApiTest {
    private static final List<Class<?>> ALL = List.of(VouchMcp.class, VouchMcp.Builder.class, StallMode.class,
            GuardedMcpClient.class, GuardedMcpAsyncClient.class, GuardedCalls.class, PendingCalls.class,
            Refusals.class, ToolErrorResult.class);

    @Test
    void shouldExposeOnlyTheEntryPointTheClientsAndTheStallMode() {
        var publicTypes = ALL.stream().filter(c -> Modifier.isPublic(c.getModifiers())).map(Class::getSimpleName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("Builder", "GuardedMcpAsyncClient", "GuardedMcpClient", "StallMode",
                "VouchMcp")), publicTypes);
    }

    @Test
    void shouldKeepThePublicMethodsOfTheEntryPoint() {
        var methods = Stream.of(VouchMcp.class, VouchMcp.Builder.class, GuardedMcpClient.class)
                .flatMap(c -> Arrays.stream(c.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
                        .map(m -> c.getSimpleName() + "." + m.getName()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("Builder.build", "Builder.hideAlwaysBlocked", "Builder.jsonMapper",
                "Builder.principal", "Builder.stallMode", "Builder.toolPrefix", "GuardedMcpClient.callTool",
                "GuardedMcpClient.close", "GuardedMcpClient.delegate", "GuardedMcpClient.initialize",
                "GuardedMcpClient.listTools", "GuardedMcpClient.resume", "VouchMcp.asyncToolFilter",
                "VouchMcp.builder", "VouchMcp.client", "VouchMcp.guard", "VouchMcp.toolFilter")), methods);
    }
}
