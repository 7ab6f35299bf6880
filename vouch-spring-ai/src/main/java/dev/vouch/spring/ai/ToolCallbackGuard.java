package dev.vouch.spring.ai;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Puts the guard in front of every Spring AI tool: every {@link ToolCallback} and {@link ToolCallbackProvider} bean
 * becomes a proxy whose {@code call} goes through {@link GuardedCalls}, and whose {@code getToolCallbacks} hands out
 * {@link GuardedToolCallback}s; and every {@link ToolCallingManager} bean (the one {@code ChatClient}'s tool-calling
 * advisor uses) guards the tools of each request it executes that are not guarded yet, so that tools which are no
 * beans (a {@code @Tool} object given to {@code ChatClient.prompt().tools(...)}) are guarded too, and leaves the tools
 * the policy always blocks out of the definitions it resolves for the model, if {@code vouch.hide-blocked-tools}.
 *
 * <p>A proxy rather than a wrapper, because the bean's type matters to Spring AI: the
 * MCP client starter's {@code SyncMcpToolCallbackProvider} is recognised by its class (so that its tools are listed
 * from the MCP servers only when first needed, not at start-up) and is an {@code ApplicationListener} (so that it
 * re-lists tools when a server says they changed). So the proxy subclasses the bean's class where it can (public, not
 * final), and implements its interfaces otherwise: then the bean can no longer be injected by its class, which is
 * logged as a warning for a bean declared as such a class (Spring AI's {@code MethodToolCallbackProvider} is final).
 * A bean that already is a Spring AOP proxy gets the guard as its first advisor.
 *
 * <p>Nothing is guarded twice: a provider's tools that are already guarded beans are handed out as they are. The
 * guard itself is looked up on the first call, so that post-processing never starts the ledger early.
 */
final class ToolCallbackGuard extends AbstractAdvisingBeanPostProcessor implements BeanFactoryAware {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCallbackGuard.class);

    private BeanFactory beanFactory;

    ToolCallbackGuard(Supplier<GuardedCalls> calls) {
        this.advisor = new DefaultPointcutAdvisor(new ToolMethods(), new Interceptor(SingletonSupplier.of(calls)));
        this.beforeExistingAdvisors = true;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    protected ProxyFactory prepareProxyFactory(Object bean, String beanName) {
        ProxyFactory factory = super.prepareProxyFactory(bean, beanName);
        Class<?> type = bean.getClass();
        int modifiers = type.getModifiers();
        boolean subclass = Modifier.isPublic(modifiers) && !Modifier.isFinal(modifiers) && !type.isSynthetic()
                && !Proxy.isProxyClass(type);
        factory.setProxyTargetClass(subclass);
        if (!subclass && declaredAsClass(beanName)) {
            LOG.warn("Vouch: bean '{}' is declared as {}, a class the guard cannot subclass (final or not public), so"
                    + " the guarded bean is a proxy of its interfaces: inject it by an interface ({}), not by its"
                    + " class", beanName, type.getName(), interfaceNames(type));
        }
        return factory;
    }

    /**
     * Whether the bean's definition declares a class rather than an interface (a {@code @Bean} method returning
     * {@code MethodToolCallbackProvider}, say): then injection points may ask for that class, which a proxy of the
     * interfaces is not. Spring AI declares its own beans by their interfaces.
     */
    private boolean declaredAsClass(String beanName) {
        if (!(beanFactory instanceof ConfigurableListableBeanFactory factory) || !factory.containsBeanDefinition(beanName)) {
            return false;
        }
        Class<?> declared = factory.getMergedBeanDefinition(beanName).getResolvableType().resolve();
        return declared != null && !declared.isInterface();
    }

    private static String interfaceNames(Class<?> type) {
        return String.join(", ", ClassUtils.getAllInterfacesForClassAsSet(type).stream()
                .filter(i -> i.getName().startsWith("org.springframework.ai."))
                .map(Class::getSimpleName).sorted().toList());
    }

    /** Whether {@code callback} already goes through the guard. */
    static boolean isGuarded(Object callback) {
        if (callback instanceof GuardedToolCallback) {
            return true;
        }
        if (callback instanceof Advised advised) {
            for (var a : advised.getAdvisors()) {
                if (a.getAdvice() instanceof Interceptor) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code ToolCallback.call(String[, ToolContext])}, {@code ToolCallbackProvider.getToolCallbacks()} and
     * {@code ToolCallingManager.executeToolCalls(Prompt, ChatResponse)}.
     */
    private static final class ToolMethods extends StaticMethodMatcherPointcut {
        ToolMethods() {
            setClassFilter(type -> ToolCallback.class.isAssignableFrom(type)
                    || ToolCallbackProvider.class.isAssignableFrom(type)
                    || ToolCallingManager.class.isAssignableFrom(type));
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return isCall(method) && ToolCallback.class.isAssignableFrom(targetClass)
                    || isGetToolCallbacks(method) && ToolCallbackProvider.class.isAssignableFrom(targetClass)
                    || (isExecuteToolCalls(method) || isResolveToolDefinitions(method))
                            && ToolCallingManager.class.isAssignableFrom(targetClass);
        }
    }

    static boolean isCall(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return m.getName().equals("call") && m.getReturnType() == String.class
                && (p.length == 1 && p[0] == String.class || p.length == 2 && p[0] == String.class && p[1] == ToolContext.class);
    }

    static boolean isGetToolCallbacks(Method m) {
        return m.getName().equals("getToolCallbacks") && m.getParameterCount() == 0
                && m.getReturnType() == ToolCallback[].class;
    }

    static boolean isResolveToolDefinitions(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return m.getName().equals("resolveToolDefinitions") && p.length == 1 && p[0] == ToolCallingChatOptions.class
                && m.getReturnType() == List.class;
    }

    static boolean isExecuteToolCalls(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return m.getName().equals("executeToolCalls") && p.length == 2 && p[0] == Prompt.class
                && p[1] == ChatResponse.class;
    }

    /**
     * The advice: a call goes through the guard; a provider's tools come out guarded; a tool-calling manager runs
     * a request's tools guarded.
     */
    static final class Interceptor implements MethodInterceptor {
        private final Supplier<GuardedCalls> calls;

        Interceptor(Supplier<GuardedCalls> calls) {
            this.calls = calls;
        }

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            Method method = invocation.getMethod();
            if (isGetToolCallbacks(method)) {
                return guardAll((ToolCallback[]) invocation.proceed());
            }
            if (isExecuteToolCalls(method)) {
                guardRequest((ProxyMethodInvocation) invocation);
                return invocation.proceed();
            }
            if (isResolveToolDefinitions(method)) {
                @SuppressWarnings("unchecked")
                List<ToolDefinition> offered = (List<ToolDefinition>) invocation.proceed();
                return calls.get().offered(offered);
            }
            if (!isCall(method) || !(invocation.getThis() instanceof ToolCallback tool)) {
                return invocation.proceed();
            }
            Object[] args = invocation.getArguments();
            String input = (String) args[0];
            ToolContext context = args.length > 1 ? (ToolContext) args[1] : null;
            // A deferred call runs later, once: each run proceeds on a fresh copy of this (never proceeded) invocation.
            ProxyMethodInvocation pmi = (ProxyMethodInvocation) invocation;
            return calls.get().call(tool.getToolDefinition().name(), input, context,
                    () -> (String) pmi.invocableClone().proceed());
        }

        /** Replaces the request's unguarded tools with guarded ones (the same tools: definitions, metadata). */
        private void guardRequest(ProxyMethodInvocation invocation) {
            Object[] args = invocation.getArguments();
            if (!(args[0] instanceof Prompt prompt) || !(prompt.getOptions() instanceof ToolCallingChatOptions options)) {
                return;
            }
            List<ToolCallback> tools = options.getToolCallbacks();
            if (tools == null || tools.stream().allMatch(t -> t == null || isGuarded(t))) {
                return;
            }
            List<ToolCallback> guarded = List.of(guardAll(tools.toArray(new ToolCallback[0])));
            ToolCallingChatOptions guardedOptions = options.mutate().toolCallbacks(guarded).build();
            invocation.setArguments(new Prompt(prompt.getInstructions(), guardedOptions), args[1]);
        }

        private ToolCallback[] guardAll(ToolCallback[] tools) {
            if (tools == null) {
                return null;
            }
            ToolCallback[] out = new ToolCallback[tools.length];
            for (int i = 0; i < tools.length; i++) {
                out[i] = tools[i] == null || isGuarded(tools[i]) ? tools[i] : new GuardedToolCallback(tools[i], calls);
            }
            return out;
        }
    }
}
