package org.ddim4j.spark.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dl4j-ddim-spark's place in docs/ARCHITECTURE.md, on the bytecode of the main classes of every module on this
 * module's classpath: the jobs sit on the core, the readers and the sweeps; the launcher module and the Spark
 * command line are above them; nothing below knows Spark.
 */
class SparkArchitectureTest {
    private static JavaClasses main;

    static final ArchRule JOBS_NOT_ON_LAUNCHERS = noClasses().that().resideInAPackage("org.ddim4j.spark..")
            .should().dependOnClassesThat().resideInAPackage("org.ddim4j.samples..")
            .as("the Spark jobs never depend on the ./ddim launcher module");
    static final ArchRule JOBS_NOT_ON_THEIR_COMMAND_LINE = noClasses().that().resideInAPackage("org.ddim4j.spark")
            .should().dependOnClassesThat().resideInAPackage("org.ddim4j.spark.cli..")
            .as("the Spark jobs (org.ddim4j.spark) never depend on their command line (org.ddim4j.spark.cli)");
    static final ArchRule NOTHING_BELOW_KNOWS_SPARK = noClasses().that().resideOutsideOfPackage("org.ddim4j.spark..")
            .and().resideInAPackage("org.ddim4j..")
            .should().dependOnClassesThat().resideInAnyPackage("org.ddim4j.spark..", "org.apache.spark..")
            .as("no other ddim4j module depends on dl4j-ddim-spark or on Spark");

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.ddim4j");
    }

    @Test
    void everyModuleIsImported() {
        for (String c : new String[]{"org.ddim4j.spark.cli.SparkDdim", "org.ddim4j.spark.SampleJob", "org.ddim4j.sweep.Sweep",
                "org.ddim4j.data.ImageDatasets", "org.ddim4j.model.DdimModel", "org.ddim4j.samples.Ddim"}) {
            assertTrue(main.contain(c), c + " is not among the imported classes");
        }
    }

    @Test
    void theJobsNeverDependOnTheLaunchers() {
        JOBS_NOT_ON_LAUNCHERS.check(main);
        JOBS_NOT_ON_THEIR_COMMAND_LINE.check(main);
    }

    @Test
    void nothingBelowKnowsSpark() {
        NOTHING_BELOW_KNOWS_SPARK.check(main);
    }

    @Test
    void everyRuleCatchesAForbiddenDependency() throws ClassNotFoundException {
        JavaClasses forbidden = new ClassFileImporter().importClasses(Class.forName("org.ddim4j.spark.ForbiddenJobUsingTheLaunchers"),
                Class.forName("org.ddim4j.model.ForbiddenModelUsingSpark"));
        for (ArchRule rule : new ArchRule[]{JOBS_NOT_ON_LAUNCHERS, JOBS_NOT_ON_THEIR_COMMAND_LINE, NOTHING_BELOW_KNOWS_SPARK}) {
            assertThrows(AssertionError.class, () -> rule.check(forbidden), rule.getDescription());
        }
    }
}
