package org.ddim4j.sweep;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitedGeneratorTest {
    /** Hands out the given candidates in order, as Arbiter's generators do (an error travels inside its candidate). */
    private static CandidateGenerator of(List<Candidate<String>> candidates) {
        return new CandidateGenerator() {
            private int next;

            @Override
            public boolean hasMoreCandidates() {
                return next < candidates.size();
            }

            @Override
            public Candidate getCandidate() {
                return candidates.get(next++);
            }

            @Override
            public void reportResults(OptimizationResult result) {
            }

            @Override
            public ParameterSpace<?> getParameterSpace() {
                return null;
            }

            @Override
            public void setRngSeed(long seed) {
            }

            @Override
            public Class<?> getCandidateType() {
                return String.class;
            }
        };
    }

    @Test
    void handsOutNoMoreThanItsLimit() {
        LimitedGenerator g = new LimitedGenerator(of(List.of(new Candidate<>("a", 0, new double[0]),
                new Candidate<>("b", 1, new double[0]), new Candidate<>("c", 2, new double[0]))), 2);
        assertEquals("a", g.getCandidate().getValue());
        assertTrue(g.hasMoreCandidates());
        assertEquals("b", g.getCandidate().getValue());
        assertFalse(g.hasMoreCandidates());
    }

    @Test
    void aCandidateTheGeneratorCouldNotMakeEndsTheSweepWithItsError() {
        // Arbiter's runner records such a candidate as failed without running it, and the sweep then waited until
        // max_minutes (two JVMs of issue 28's sweep 3, for two hours)
        LimitedGenerator g = new LimitedGenerator(of(List.of(new Candidate<String>((String) null, 0, new double[0], null,
                new IllegalArgumentException("expected 3 parameter values, got 2")))), 8);
        var e = assertThrows(IllegalStateException.class, g::getCandidate);
        assertEquals("cannot make candidate 0 of the sweep: expected 3 parameter values, got 2", e.getMessage());
    }
}
