package io.iceflux.examples.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.iceflux.examples.build.MavenReactor.Module;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * What a build can depend on, checked against the reactor's poms and the jars this build made.
 *
 * <ul>
 *   <li>iceflux-bom manages every library module (a deployed jar module) of the reactor, has no parent (importing it
 *       must bring no dependency management but IceFlux's own), the parent's version and metadata;</li>
 *   <li>every library jar carries its {@code Automatic-Module-Name} (the module's {@code iceflux.moduleName}
 *       property, {@code io.iceflux.…}), valid for the module system, and no two library jars hold the same package
 *       (a split package would stop them from being used on the module path);</li>
 *   <li>every library jar has its sources and javadoc jars beside it.</li>
 * </ul>
 * The jars are those on this module's test class path, which is why examples/recipes depends on every library module
 * in test scope: a library module missing from it fails here, saying so. In a reactor build from the root through
 * the package phase ({@code mvn -B verify}) they are the modules' {@code target/*.jar}; with only compiled classes
 * ({@code mvn test}) or jars from a repository ({@code -pl examples/recipes} alone) the jar checks are skipped.
 */
class PublishedArtifactsTest {

    private static final Set<String> METADATA = Set.of("url", "inceptionYear", "organization", "licenses",
            "developers", "scm", "issueManagement");

    @Test
    void theBomManagesEveryLibraryModuleOfTheReactor() {
        List<Module> modules = MavenReactor.modules();
        Element bom = MavenReactor.module("iceflux-bom").pom();
        Set<String> managed = managedIceFluxArtifacts(bom);

        List<String> libraries = modules.stream().filter(Module::library).map(Module::artifactId).toList();

        assertThat(libraries).as("library modules (deployed jars)")
                .contains("iceflux-core", "iceflux-netty", "iceflux-testkit", "iceflux-test-support");
        assertThat(managed).as("artifacts bom/pom.xml manages; add every library module to it").containsAll(libraries);
        assertThat(modules).filteredOn(m -> !m.deployed()).extracting(Module::artifactId)
                .as("modules that are not deployed").contains("iceflux-examples", "iceflux-probe",
                        "iceflux-diagnostics", "iceflux-examples-recipes", "iceflux-examples-common",
                        "iceflux-benchmarks");
        assertThat(modules).filteredOn(m -> !m.deployed()).extracting(Module::properties)
                .as("modules that are not deployed are not installed either")
                .allSatisfy(properties -> assertThat(properties).containsEntry("maven.install.skip", "true"));
    }

    @Test
    void theBomHasNoParentAndManagesNothingButIceFluxAtItsOwnVersion() {
        Module root = MavenReactor.modules().get(0);
        Module bomModule = MavenReactor.module("iceflux-bom");
        Element bom = bomModule.pom();

        assertThat(bomModule.hasParent()).as("iceflux-bom has a <parent>: its dependencyManagement would leak").isFalse();
        assertThat(bomModule.packaging()).isEqualTo("pom");
        assertThat(MavenReactor.child(bom, "dependencies")).as("iceflux-bom <dependencies>").isEmpty();
        assertThat(MavenReactor.child(bom, "properties")).as("iceflux-bom <properties>").isEmpty();
        assertThat(MavenReactor.text(bom, "groupId")).isEqualTo(MavenReactor.text(root.pom(), "groupId"));
        assertThat(MavenReactor.text(bom, "version")).as("iceflux-bom's version is the parent's")
                .isEqualTo(MavenReactor.text(root.pom(), "version"));
        for (Element dependency : managedDependencies(bom)) {
            assertThat(MavenReactor.text(dependency, "groupId")).hasValue("io.iceflux");
            assertThat(MavenReactor.text(dependency, "version")).hasValue("${project.version}");
            assertThat(MavenReactor.child(dependency, "scope")).as("scope of a managed dependency (no import)").isEmpty();
            assertThat(MavenReactor.child(dependency, "type")).as("type of a managed dependency").isEmpty();
        }
        for (String element : METADATA) {
            assertThat(MavenReactor.child(bom, element).map(PublishedArtifactsTest::normalized))
                    .as("<%s> of iceflux-bom, as iceflux-parent's", element)
                    .isPresent()
                    .isEqualTo(MavenReactor.child(root.pom(), element).map(PublishedArtifactsTest::normalized));
        }
    }

    @Test
    void everyLibraryJarHasItsModuleNameAndNoPackageIsInTwoJars() throws IOException {
        Map<Module, Path> jars = libraryJars();
        Map<String, String> moduleOfPackage = new TreeMap<>();
        List<String> splitPackages = new ArrayList<>();
        Map<String, Set<String>> packagesOfModule = new TreeMap<>();

        for (Map.Entry<Module, Path> entry : jars.entrySet()) {
            Module module = entry.getKey();
            String expected = module.properties().get("iceflux.moduleName");
            assertThat(expected).as("property iceflux.moduleName of %s", module.artifactId())
                    .isNotNull().matches("io\\.iceflux(\\.[a-z][a-z0-9]*)+");
            try (JarFile jar = new JarFile(entry.getValue().toFile())) {
                assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                        .as("Automatic-Module-Name of %s", entry.getValue()).isEqualTo(expected);
            }
            Set<ModuleReference> found = ModuleFinder.of(entry.getValue()).findAll();  // refuses an invalid name
            ModuleDescriptor descriptor = found.iterator().next().descriptor();
            assertThat(descriptor.isAutomatic()).isTrue();
            assertThat(descriptor.name()).isEqualTo(expected);
            packagesOfModule.put(descriptor.name(), new TreeSet<>(descriptor.packages()));
            for (String pkg : descriptor.packages()) {
                String other = moduleOfPackage.putIfAbsent(pkg, descriptor.name());
                if (other != null) {
                    splitPackages.add(pkg + " in " + other + " and " + descriptor.name());
                }
            }
        }
        packagesOfModule.forEach((name, packages) -> System.out.println(name + ": " + String.join(", ", packages)));

        assertThat(splitPackages).as("packages in more than one library jar").isEmpty();
        assertThat(ModuleFinder.of(jars.values().toArray(Path[]::new)).findAll()).as("one module per library jar")
                .hasSize(jars.size());
    }

    @Test
    void everyLibraryJarHasSourcesAndJavadocBesideIt() throws IOException {
        Map<Module, Path> jars = libraryJars();
        boolean sources = !"true".equals(System.getProperty("iceflux.source.skip"));
        boolean javadoc = !"true".equals(System.getProperty("iceflux.javadoc.skip"));
        Assumptions.assumeTrue(sources || javadoc, "built with -Dmaven.source.skip and -Dmaven.javadoc.skip");

        for (Map.Entry<Module, Path> entry : jars.entrySet()) {
            Path jar = entry.getValue();
            String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
            Set<String> packages;
            try (JarFile main = new JarFile(jar.toFile())) {
                packages = main.stream().map(e -> e.getName())
                        .filter(name -> name.endsWith(".class") && name.contains("/"))
                        .map(name -> name.substring(0, name.lastIndexOf('/')))
                        .collect(Collectors.toCollection(TreeSet::new));
            }
            if (sources) {
                Path sourcesJar = jar.resolveSibling(base + "-sources.jar");
                assertThat(sourcesJar).as("sources jar of %s", entry.getKey().artifactId()).isRegularFile();
                try (JarFile sourceJar = new JarFile(sourcesJar.toFile())) {
                    Set<String> withSources = sourceJar.stream().map(e -> e.getName())
                            .filter(name -> name.endsWith(".java") && name.contains("/"))
                            .map(name -> name.substring(0, name.lastIndexOf('/')))
                            .collect(Collectors.toSet());
                    assertThat(withSources).as("packages with sources in %s", sourcesJar).containsAll(packages);
                }
            }
            if (javadoc) {
                Path javadocJar = jar.resolveSibling(base + "-javadoc.jar");
                assertThat(javadocJar).as("javadoc jar of %s", entry.getKey().artifactId()).isRegularFile();
                try (JarFile docs = new JarFile(javadocJar.toFile())) {
                    assertThat(docs.getEntry("index.html")).as("index.html of %s", javadocJar).isNotNull();
                }
            }
        }
    }

    /**
     * The jar of every library module, from the test class path; skips the test when they are not this reactor
     * build's jars.
     */
    private static Map<Module, Path> libraryJars() {
        List<Path> classPath = MarkdownSnippets.testClassPathEntries();
        String version = MavenReactor.text(MavenReactor.modules().get(0).pom(), "version").orElseThrow();
        Map<Module, Path> jars = new LinkedHashMap<>();
        for (Module module : MavenReactor.modules()) {
            if (!module.library()) {
                continue;
            }
            Path target = module.dir().resolve("target").toAbsolutePath().normalize();
            String jarName = module.artifactId() + "-" + version + ".jar";
            Path entry = classPath.stream()
                    .filter(p -> p.startsWith(target) || p.getFileName().toString().equals(jarName))
                    .findFirst()
                    .orElse(null);
            if (entry == null) {
                fail(module.artifactId() + " is not on examples/recipes's test class path: add it to "
                        + "examples/recipes/pom.xml as a test dependency (this test checks every library jar)");
            }
            Assumptions.assumeTrue(entry.startsWith(target) && Files.isRegularFile(entry), () -> "the library jars "
                    + "of this build are checked after the package phase of a reactor build from the root (mvn -B "
                    + "verify); " + module.artifactId() + " is " + entry);
            jars.put(module, entry);
        }
        assertThat(jars).as("library jars").isNotEmpty();
        return jars;
    }

    private static Set<String> managedIceFluxArtifacts(Element bom) {
        return managedDependencies(bom).stream()
                .map(d -> MavenReactor.text(d, "artifactId").orElseThrow())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<Element> managedDependencies(Element pom) {
        return MavenReactor.child(pom, "dependencyManagement")
                .flatMap(dm -> MavenReactor.child(dm, "dependencies"))
                .map(MavenReactor::children)
                .orElse(List.of());
    }

    /** An element's text with its whitespace runs reduced to one space (comments and attributes do not count). */
    private static String normalized(Element element) {
        return element.getTextContent().strip().replaceAll("\\s+", " ");
    }
}
