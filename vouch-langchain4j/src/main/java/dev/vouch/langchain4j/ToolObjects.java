package dev.vouch.langchain4j;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.IllegalConfigurationException;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns objects with {@code @Tool} methods into specifications and executors exactly as
 * {@code AiServices.tools(Object...)} does in LangChain4j 1.11 ({@code ToolService.tools}): the same checks, the
 * same {@code DefaultToolExecutor} settings (argument errors as {@code ToolArgumentsException}, a method's exception
 * as {@code ToolExecutionException}), so the AI service's error handlers see what they would see without Vouch.
 */
final class ToolObjects {
    private ToolObjects() {
    }

    static Map<ToolSpecification, ToolExecutor> executors(VouchTools owner, Object... objectsWithTools) {
        if (objectsWithTools == null || objectsWithTools.length == 0) {
            throw new IllegalConfigurationException("no tool objects given: pass objects with @Tool methods");
        }
        Map<ToolSpecification, ToolExecutor> out = new LinkedHashMap<>();
        Map<String, Method> byName = new LinkedHashMap<>();
        for (Object object : objectsWithTools) {
            check(object);
            boolean found = false;
            for (Method method : object.getClass().getDeclaredMethods()) {
                Method toolMethod = annotated(method);
                if (toolMethod == null) {
                    continue;
                }
                found = true;
                ToolSpecification spec = ToolSpecifications.toolSpecificationFrom(toolMethod);
                Method before = byName.putIfAbsent(spec.name(), toolMethod);
                if (before != null) {
                    throw new IllegalConfigurationException("Duplicated definition for tool: " + spec.name()
                            + " (" + before + " and " + toolMethod + ")");
                }
                out.put(spec, owner.executor(DefaultToolExecutor.builder()
                        .object(object)
                        .originalMethod(toolMethod)
                        .methodToInvoke(toolMethod)
                        .wrapToolArgumentsExceptions(true)
                        .propagateToolExecutionExceptions(true)
                        .build()));
            }
            if (!found) {
                throw new IllegalConfigurationException(
                        "Object '" + object.getClass().getName() + "' does not have any methods annotated with @Tool");
            }
        }
        return out;
    }

    private static void check(Object object) {
        if (object == null) {
            throw new IllegalConfigurationException("a tool object is null");
        }
        if (object instanceof Class<?>) {
            throw new IllegalConfigurationException("Tool '" + object + "' must be an object, not a class");
        }
        if (object instanceof Iterable<?>) {
            throw new IllegalConfigurationException("Tool '" + object.getClass().getName()
                    + "' is an Iterable (likely a nested collection). Please pass tool objects directly.");
        }
    }

    /** The method carrying {@code @Tool}: the method itself, or for a JDK proxy the interface method it implements. */
    private static Method annotated(Method method) {
        if (method.isAnnotationPresent(Tool.class)) {
            return method;
        }
        if (Proxy.isProxyClass(method.getDeclaringClass())) {
            for (Class<?> iface : method.getDeclaringClass().getInterfaces()) {
                try {
                    Method m = iface.getMethod(method.getName(), method.getParameterTypes());
                    if (m.isAnnotationPresent(Tool.class)) {
                        return m;
                    }
                } catch (NoSuchMethodException notThere) {
                    // next interface
                }
            }
        }
        return null;
    }
}
