package org.ddim4j.sweep;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

/**
 * Stops a generator after a number of candidates. Arbiter's MaxCandidatesCondition is checked only when
 * candidates finish, so with several running at once it queues more than asked; this never hands out more.
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
        return inner.getCandidate();
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
