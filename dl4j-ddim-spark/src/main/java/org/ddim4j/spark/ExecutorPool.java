package org.ddim4j.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Objects of one executor JVM that tasks must not share at the same time (a model's compiled plans, a DL4J
 * network): a task borrows one of a key, or builds one when all are in use, and gives it back when done. An executor
 * with c task slots thus builds at most c of a key, however many tasks it runs, and later tasks reuse them (and the
 * plans they compiled).
 */
public final class ExecutorPool {
    private static final Map<String, ConcurrentLinkedDeque<Object>> IDLE = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> BUILT = new ConcurrentHashMap<>();

    private ExecutorPool() {
    }

    /** Runs {@code work} with an object of {@code key} that no other task uses meanwhile. */
    @SuppressWarnings("unchecked")
    public static <T, R> R with(String key, Supplier<T> build, Function<T, R> work) {
        ConcurrentLinkedDeque<Object> idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
        Object o = idle.pollFirst();
        if (o == null) {
            o = build.get();
            BUILT.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        try {
            return work.apply((T) o);
        } finally {
            idle.addFirst(o);
        }
    }

    /** How many objects of {@code key} this JVM has built. */
    public static int built(String key) {
        AtomicInteger n = BUILT.get(key);
        return n == null ? 0 : n.get();
    }
}
