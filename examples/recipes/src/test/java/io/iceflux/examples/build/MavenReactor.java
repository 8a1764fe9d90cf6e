package io.iceflux.examples.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The modules of the repository's Maven reactor, read from the {@code pom.xml} files (from the root, following
 * {@code <modules>}), with the properties each inherits from its aggregator.
 *
 * <p>The model is this repository's layout: a module's parent is the pom that lists it as a module (or it has no
 * parent, like iceflux-bom). A module whose parent is another pom is refused, so that this reading cannot silently go
 * wrong after such a change.
 */
final class MavenReactor {

    private MavenReactor() {
    }

    /**
     * One module.
     *
     * @param dir        its folder
     * @param pom        its {@code pom.xml}'s root element
     * @param artifactId its artifactId
     * @param packaging  its packaging ({@code jar} when not given)
     * @param hasParent  whether it has a {@code <parent>}
     * @param properties its properties, with those of its parents
     */
    record Module(Path dir, Element pom, String artifactId, String packaging, boolean hasParent,
                  Map<String, String> properties) {

        /**
         * Whether {@code mvn deploy} would deploy it.
         *
         * @return whether {@code maven.deploy.skip} is not {@code true}
         */
        boolean deployed() {
            return !"true".equals(properties.get("maven.deploy.skip"));
        }

        /**
         * Whether it is a library: a deployed jar.
         *
         * @return whether it is deployed and of jar packaging
         */
        boolean library() {
            return deployed() && packaging.equals("jar");
        }
    }

    /**
     * The repository's root: the system property {@code iceflux.repositoryRoot} (set by this module's pom), else
     * {@code ../..} (this module's folder is {@code examples/recipes}).
     *
     * @return the root folder, absolute and normalized
     */
    static Path root() {
        return Path.of(System.getProperty("iceflux.repositoryRoot", "../..")).toAbsolutePath().normalize();
    }

    /**
     * Every module of the reactor, the root first.
     *
     * @return the modules, in the order the poms list them (depth first)
     */
    static List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        read(root(), null, modules);
        return List.copyOf(modules);
    }

    /**
     * The module with this artifactId.
     *
     * @param artifactId the artifactId
     * @return the module
     * @throws AssertionError when the reactor has none
     */
    static Module module(String artifactId) {
        return modules().stream().filter(m -> m.artifactId().equals(artifactId)).findFirst()
                .orElseThrow(() -> new AssertionError("no module " + artifactId + " in the reactor"));
    }

    private static void read(Path dir, Module aggregator, List<Module> into) {
        Element pom = parse(dir.resolve("pom.xml"));
        Optional<Element> parent = child(pom, "parent");
        Map<String, String> properties = new HashMap<>();
        if (parent.isPresent()) {
            String parentArtifact = text(parent.get(), "artifactId").orElse("");
            if (aggregator == null || !aggregator.artifactId().equals(parentArtifact)) {
                throw new IllegalStateException(dir + "/pom.xml: its parent " + parentArtifact + " is not the pom that "
                        + "lists it as a module; MavenReactor (examples/recipes tests) reads only that layout");
            }
            properties.putAll(aggregator.properties());
        }
        child(pom, "properties").ifPresent(props -> children(props).forEach(p ->
                properties.put(p.getTagName(), p.getTextContent().strip())));
        Module module = new Module(dir, pom, text(pom, "artifactId").orElseThrow(),
                text(pom, "packaging").orElse("jar"), parent.isPresent(), Map.copyOf(properties));
        into.add(module);
        child(pom, "modules").ifPresent(modules -> children(modules).forEach(m ->
                read(dir.resolve(m.getTextContent().strip()).normalize(), module, into)));
    }

    /**
     * Parse an XML file.
     *
     * @param file the file
     * @return its root element
     */
    static Element parse(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(Files.newInputStream(file)).getDocumentElement();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The element children of an element.
     *
     * @param parent the element
     * @return its child elements, in order
     */
    static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                children.add(e);
            }
        }
        return children;
    }

    /**
     * The first child element of that name.
     *
     * @param parent the element
     * @param name   the child's tag name
     * @return the child, if there is one
     */
    static Optional<Element> child(Element parent, String name) {
        return children(parent).stream().filter(e -> e.getTagName().equals(name)).findFirst();
    }

    /**
     * The trimmed text of the first child element of that name.
     *
     * @param parent the element
     * @param name   the child's tag name
     * @return its text, if there is such a child
     */
    static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().strip());
    }
}
