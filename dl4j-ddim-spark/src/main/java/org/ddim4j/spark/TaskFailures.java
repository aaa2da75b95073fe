package org.ddim4j.spark;

import org.apache.spark.TaskContext;

/**
 * A test hook: with the local property {@code ddim4j.failFirstAttempt=true} on the driver's thread
 * ({@code sc.setLocalProperty}, which Spark hands to the job's tasks), the first attempt of every task fails when it
 * has committed all its files but the marker and written the marker's temporary copy, so tests can check that Spark's retry
 * completes the output with no duplicates or half files. Off unless set; never set by ddim4j itself.
 */
public final class TaskFailures {
    /** The configuration key. */
    public static final String FAIL_FIRST_ATTEMPT = "ddim4j.failFirstAttempt";

    private TaskFailures() {
    }

    /** Throws in a task's first attempt when the hook is on. */
    public static void failFirstAttemptIfAsked(String where) {
        TaskContext t = TaskContext.get();
        if (t != null && t.attemptNumber() == 0 && "true".equals(t.getLocalProperty(FAIL_FIRST_ATTEMPT))) {
            throw new IllegalStateException("test hook " + FAIL_FIRST_ATTEMPT + ": first attempt of partition "
                    + t.partitionId() + " fails " + where);
        }
    }
}
