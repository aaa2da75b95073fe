package org.ddim4j;

/**
 * JUnit tags. Tests tagged {@link #SLOW} (long, or needing the network) are left out of the default suite;
 * {@code mvn -Pslow verify} runs them.
 */
public final class Tags {
    public static final String SLOW = "slow";

    private Tags() {
    }
}
