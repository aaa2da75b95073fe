package org.ddim4j.sweep;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

/**
 * Stops a generator after a number of candidates. Arbiter's MaxCandidatesCondition is checked only when
 * candidates finish, so with several running at once it queues more than asked; this never hands out more.
 * A candidate the generator could not make (Arbiter's generators log the error and return it inside the candidate)
 * ends the sweep with that error: Arbiter's runner records such a candidate as failed without telling the task, so
 * no candidate ever finished and the sweep waited until max_minutes.
 */
final class LimitedGenerator implements CandidateGenerator {
    private final CandidateGenerator inner;
    private final int limit;
    private int handedOut;

    LimitedGenerator(CandidateGenerator inner, int limit) {
        this.inner = inner;
        this.limit = limit;
    }

    @Override
    public synchronized boolean hasMoreCandidates() {
        return handedOut < limit && inner.hasMoreCandidates();
    }

    @Override
    public synchronized Candidate getCandidate() {
        handedOut++;
        Candidate c = inner.getCandidate();
        if (c != null && c.getException() != null) {
            throw new IllegalStateException("cannot make candidate " + c.getIndex() + " of the sweep: "
                    + c.getException().getMessage(), c.getException());
        }
        return c;
    }

    @Override
    public void reportResults(OptimizationResult result) {
        inner.reportResults(result);
    }

    @Override
    public ParameterSpace<?> getParameterSpace() {
        return inner.getParameterSpace();
    }

    @Override
    public void setRngSeed(long seed) {
        inner.setRngSeed(seed);
    }

    @Override
    public Class<?> getCandidateType() {
        return inner.getCandidateType();
    }
}
