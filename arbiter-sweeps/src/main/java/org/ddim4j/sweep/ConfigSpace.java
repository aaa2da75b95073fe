package org.ddim4j.sweep;

import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed search space of a sweep for Arbiter: one leaf per swept config key (a discrete space over the
 * listed values, or a continuous range), its value the overrides of one candidate, by key. Its
 * {@link #numParameters()} is the number of leaves, which Arbiter's generators need.
 *
 * <p>A key listed with one value is a fixed override, not a leaf: Arbiter's grid search hands its candidates one
 * number per leaf with more than one value, so a one-value leaf would shift every later key's number. Fixed keys
 * still appear in every candidate's overrides and in {@link #keys()}, so a design split into several sweeps (one
 * value of a key each, e.g. one per core) reads back as one grid.
 */
public final class ConfigSpace implements ParameterSpace<Map<String, Object>> {
    private final List<String> keys = new ArrayList<>();
    private final Map<String, Object> fixed = new LinkedHashMap<>();
    private final List<String> leafKeys = new ArrayList<>();
    private final List<ParameterSpace<?>> leaves = new ArrayList<>();

    public ConfigSpace(SweepSpec spec) {
        spec.values().forEach((k, v) -> {
            keys.add(k);
            if (v.size() == 1) {
                fixed.put(k, v.get(0));
            } else {
                leafKeys.add(k);
                leaves.add(new DiscreteParameterSpace<>(v));
            }
        });
        spec.ranges().forEach((k, r) -> {
            keys.add(k);
            leafKeys.add(k);
            leaves.add(new ContinuousParameterSpace(r[0], r[1]));
        });
        int[] indices = new int[leaves.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        setIndices(indices);
    }

    public List<String> keys() {
        return List.copyOf(keys);
    }

    @Override
    public Map<String, Object> getValue(double[] parameterValues) {
        if (parameterValues.length != leaves.size()) {
            throw new IllegalArgumentException("expected " + leaves.size() + " parameter values, got " + parameterValues.length);
        }
        Map<String, Object> byKey = new LinkedHashMap<>(fixed);
        for (int i = 0; i < leaves.size(); i++) {
            byKey.put(leafKeys.get(i), leaves.get(i).getValue(parameterValues));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k, byKey.get(k)));
        return out;
    }

    @Override
    public int numParameters() {
        return leaves.size();
    }

    @Override
    public List<ParameterSpace> collectLeaves() {
        return new ArrayList<>(leaves);
    }

    @Override
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> out = new LinkedHashMap<>();
        for (int i = 0; i < leaves.size(); i++) {
            out.put(leafKeys.get(i), leaves.get(i));
        }
        return out;
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public void setIndices(int... indices) {
        for (int i = 0; i < leaves.size(); i++) {
            leaves.get(i).setIndices(indices[i]);
        }
    }
}
