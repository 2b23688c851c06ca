package org.waldur.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which flow files of the routes directory a process loads: parsing and building the routes of modes it does not run
 * was a third of the time to the first Waldur request (issue 12; README, Benchmarks). A file is left out only when
 * it serves nothing but modes this process does not run: it is reached from an unselected mode's route and not from
 * a selected one. Reached means: the file defines a name (route id, {@code direct:} endpoint, route template or
 * route configuration) that a reached file mentions. A file no mode reaches (a site's own flow) is always loaded.
 * <p>
 * The names are found in the text, comments included: a file mentioned only in a comment is loaded for nothing,
 * never the other way round. A name built at run time ({@code toD: direct:${header.flow}-offering} in
 * routes/cycle.camel.yaml, the event passes EventHub starts from Java) must be among the roots the caller gives.
 * AUDITOR's flows ({@code auditor-*.yaml}) are not the agent's: src/main/resources/application.properties excludes
 * them, and the AUDITOR programs name their own files.
 */
public final class RouteFiles {

    private static final Pattern DEFINED = Pattern.compile(
            "(?m)(?:^\\s*-?\\s*(?:route|routeTemplate|routeConfiguration):\\s*\\n\\s*id:|routeId:|from:\\s*\\n\\s*uri:|from:)\\s*\"?(?:direct:)?([\\w-]+)");
    private static final Pattern MENTIONED = Pattern.compile(
            "(?:direct:|routeTemplateRef:\\s*\"?|routeConfigurationId:\\s*\"?)([\\w-]+)");

    /** One flow file: the names it defines and the names it mentions. */
    record Flow(Path file, Set<String> defines, Set<String> mentions) {
    }

    private final Map<Path, Flow> flows = new TreeMap<>();

    private RouteFiles(Collection<Flow> flows) {
        flows.forEach(f -> this.flows.put(f.file(), f));
    }

    /** The agent's flow files of {@code dir}: every {@code *.yaml} but AUDITOR's. */
    public static RouteFiles in(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return new RouteFiles(files.filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().startsWith("auditor-"))
                    .map(RouteFiles::read).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Flow read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Flow parse(Path file, String text) {
        Set<String> defines = new HashSet<>();
        Matcher d = DEFINED.matcher(text);
        while (d.find()) {
            defines.add(d.group(1));
        }
        Set<String> mentions = new HashSet<>();
        Matcher m = MENTIONED.matcher(text);
        while (m.find()) {
            mentions.add(m.group(1));
        }
        mentions.removeAll(defines);
        return new Flow(file, defines, mentions);
    }

    /**
     * The files to load: all of them but those reached only from {@code unselectedRoots}, in name order.
     *
     * @param selectedRoots   names the process runs: its modes' routes and what Java starts for them
     * @param unselectedRoots the other modes' names
     */
    public List<Path> toLoad(Set<String> selectedRoots, Set<String> unselectedRoots) {
        Set<Path> needed = reached(selectedRoots);
        Set<Path> unneeded = reached(unselectedRoots);
        unneeded.removeAll(needed);
        return flows.keySet().stream().filter(f -> !unneeded.contains(f)).toList();
    }

    private Set<Path> reached(Set<String> roots) {
        Set<Path> reached = new LinkedHashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> names = new ArrayDeque<>(roots);
        while (!names.isEmpty()) {
            String name = names.pop();
            if (!seen.add(name)) {
                continue;
            }
            for (Flow flow : flows.values()) {
                if (flow.defines().contains(name) && reached.add(flow.file())) {
                    names.addAll(flow.mentions());
                }
            }
        }
        return reached;
    }
}
