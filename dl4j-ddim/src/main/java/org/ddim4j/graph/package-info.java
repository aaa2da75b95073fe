/**
 * The execution engine for SameDiff graphs, independent of any network: {@link org.ddim4j.graph.GraphPlan} (a graph
 * compiled for fixed shapes: {@code OpSchedule} orders the ops and times their outputs' lives, {@code BufferPool}
 * shares buffers by liveness, {@code PlanRewrites} applies its peephole rewrites, {@code PlanCompiler} puts them
 * together), {@link org.ddim4j.graph.PlanCache} (plans by shape, with gradients), SameDiff's sessions made safe
 * ({@link org.ddim4j.graph.Sessions}), one-thread BLAS inside plans, per-sample products, the closed-form GroupNorm
 * gradient op and the quiet gradient-function creation. Uses ND4J and SameDiff only: never any other ddim4j package.
 */
package org.ddim4j.graph;
