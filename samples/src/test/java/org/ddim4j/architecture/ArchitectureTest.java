package org.ddim4j.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layering of docs/ARCHITECTURE.md, checked on the bytecode of every module's main classes (so a
 * fully-qualified name counts as much as an import). {@link #everyRuleCatchesAForbiddenDependency} shows that each
 * rule fails on a class that breaks it (the small classes under {@code org.ddim4j.*.Forbidden*} of this module's
 * tests, never part of the main code).
 */
class ArchitectureTest {
    private static final String DL4J_DDIM = "org.ddim4j.(batches|config|edit|evaluation|graph|image|invert|io|metrics"
            + "|model|optim|random|resnet|sampler|schedule|train|unet|zoo)..";

    /** The network never depends on the samplers, training, inversion, editing or evaluation. */
    static final ArchRule NETWORK = noClasses().that().resideInAPackage("org.ddim4j.unet..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ddim4j.sampler..", "org.ddim4j.train..",
                    "org.ddim4j.invert..", "org.ddim4j.edit..", "org.ddim4j.evaluation..", "org.ddim4j.model..")
            .as("the network (unet) never depends on sampler, train, invert, edit, evaluation or model");
    /** Samplers never depend on training, inversion, editing or evaluation. */
    static final ArchRule SAMPLER = noClasses().that().resideInAPackage("org.ddim4j.sampler..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ddim4j.train..", "org.ddim4j.invert..",
                    "org.ddim4j.edit..", "org.ddim4j.evaluation..")
            .as("the sampler never depends on train, invert, edit or evaluation");
    /** The graph engine knows SameDiff, not the U-Net nor anything else of ddim4j. */
    static final ArchRule ENGINE = noClasses().that().resideInAPackage("org.ddim4j.graph..")
            .should().dependOnClassesThat(resideInAPackage("org.ddim4j..").and(resideOutsideOfPackage("org.ddim4j.graph..")))
            .as("the engine (graph) depends on no other ddim4j package");
    /** The metrics measure feature vectors: no sampler, training, inversion or network. */
    static final ArchRule METRICS = noClasses().that().resideInAPackage("org.ddim4j.metrics..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ddim4j.sampler..", "org.ddim4j.train..",
                    "org.ddim4j.invert..", "org.ddim4j.unet..", "org.ddim4j.model..", "org.ddim4j.evaluation..")
            .as("metrics never depends on sampler, train, invert, unet, model or evaluation");
    /** Models are loaded and saved without the training loop. */
    static final ArchRule MODEL = noClasses().that().resideInAPackage("org.ddim4j.model..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ddim4j.train..", "org.ddim4j.invert..",
                    "org.ddim4j.edit..", "org.ddim4j.evaluation..")
            .as("model never depends on train, invert, edit or evaluation");
    /** The core module stands alone. */
    static final ArchRule CORE_MODULE = noClasses().that().resideInAPackage(DL4J_DDIM)
            .should().dependOnClassesThat().resideInAnyPackage("org.ddim4j.data..", "org.ddim4j.sweep..",
                    "org.ddim4j.samples..")
            .as("dl4j-ddim never depends on datavec-loaders, arbiter-sweeps or samples");
    /** The dataset readers use the image and file formats, the configs, the features cache and the batches. */
    static final ArchRule READERS = noClasses().that().resideInAPackage("org.ddim4j.data..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ddim4j.edit..", "org.ddim4j.evaluation..",
                    "org.ddim4j.graph..", "org.ddim4j.invert..", "org.ddim4j.model..", "org.ddim4j.optim..",
                    "org.ddim4j.resnet..", "org.ddim4j.sampler..", "org.ddim4j.schedule..", "org.ddim4j.train..",
                    "org.ddim4j.unet..", "org.ddim4j.zoo..", "org.ddim4j.sweep..", "org.ddim4j.samples..")
            .as("datavec-loaders uses only config, io, image, metrics, random and batches of dl4j-ddim");
    /** The launcher is the top: nothing depends on it. */
    static final ArchRule LAUNCHER = noClasses().that().resideOutsideOfPackage("org.ddim4j.samples..")
            .should().dependOnClassesThat().resideInAPackage("org.ddim4j.samples..")
            .as("nothing outside samples depends on samples");
    /** No two packages depend on each other, directly or around a loop. */
    static final ArchRule NO_CYCLES = slices().matching("org.ddim4j.(*)..").should().beFreeOfCycles()
            .as("no cycles between the packages of org.ddim4j");

    private static JavaClasses main;

    /** Main classes only: no test-classes folder, no test jar. */
    static final class MainClassesOnly implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/test-classes/") && !location.contains("-tests.jar");
        }
    }

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(new MainClassesOnly()).importPackages("org.ddim4j");
    }

    private static Map<String, ArchRule> rules() {
        Map<String, ArchRule> rules = new LinkedHashMap<>();
        rules.put("network", NETWORK);
        rules.put("sampler", SAMPLER);
        rules.put("engine", ENGINE);
        rules.put("metrics", METRICS);
        rules.put("model", MODEL);
        rules.put("core module", CORE_MODULE);
        rules.put("readers", READERS);
        rules.put("launcher", LAUNCHER);
        rules.put("no cycles", NO_CYCLES);
        return rules;
    }

    @Test
    void theMainCodeOfEveryModuleIsImported() {
        for (String pkg : new String[]{"org.ddim4j.unet", "org.ddim4j.graph", "org.ddim4j.data", "org.ddim4j.sweep",
                "org.ddim4j.samples"}) {
            assertTrue(main.containPackage(pkg), pkg + " was not imported: the rules would check nothing there");
        }
        assertFalse(main.contain("org.ddim4j.architecture.ArchitectureTest"), "test classes were imported");
    }

    @Test
    void theNetworkNeverDependsOnTheSamplerTrainingOrInversion() {
        NETWORK.check(main);
    }

    @Test
    void theSamplerNeverDependsOnTraining() {
        SAMPLER.check(main);
    }

    @Test
    void theEngineNeverDependsOnTheNetwork() {
        ENGINE.check(main);
    }

    @Test
    void theMetricsNeverDependOnTheSamplerTrainingOrTheNetwork() {
        METRICS.check(main);
    }

    @Test
    void modelsNeverDependOnTraining() {
        MODEL.check(main);
    }

    @Test
    void theCoreModuleNeverDependsOnTheOtherModules() {
        CORE_MODULE.check(main);
    }

    @Test
    void theReadersUseOnlyTheFormatsConfigsFeaturesAndBatches() {
        READERS.check(main);
    }

    @Test
    void nothingDependsOnTheLauncher() {
        LAUNCHER.check(main);
    }

    @Test
    void noPackagesDependOnEachOther() {
        NO_CYCLES.check(main);
    }

    @Test
    void everyRuleCatchesAForbiddenDependency() {
        // the main classes and the seven Forbidden* classes (ForbiddenLauncherUse closes a loop: the launcher
        // depends on config, and it, in config, on the launcher)
        ImportOption mainAndForbidden = location -> new MainClassesOnly().includes(location)
                || location.contains("/Forbidden") && location.contains("/test-classes/");
        JavaClasses withForbidden = new ClassFileImporter().withImportOption(mainAndForbidden).importPackages("org.ddim4j");
        assertEquals(main.size() + 7, withForbidden.size(), "the seven Forbidden* classes beside the main classes");
        Map<String, Boolean> caught = new LinkedHashMap<>();
        rules().forEach((name, rule) -> caught.put(name, rule.evaluate(withForbidden).hasViolation()));
        Map<String, Boolean> all = new LinkedHashMap<>();
        rules().keySet().forEach(name -> all.put(name, true));
        assertEquals(all, caught, "each rule must report the forbidden class that breaks it");
    }
}
