package org.ddim4j;

/**
 * JUnit tags. Tests tagged {@link #SLOW} (long, or needing the network) are left out of the default suite;
 * {@code mvn -Pslow verify} runs them.
 */
public final class Tags {
    public static final String SLOW = "slow";
    /** Benchmarks that print figures ({@code mvn -Pbench verify}); excluded by default. */
    public static final String BENCHMARK = "benchmark";

    private Tags() {
    }
}
