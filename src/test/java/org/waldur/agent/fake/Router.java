package org.waldur.agent.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Method + path-template routing. Templates use {@code {uuid}} for one path segment. */
final class Router {
    interface Handler {
        ApiResponse handle(ApiRequest req);
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    /** Outcome of a lookup: a handler with its path groups, or 404/405. */
    record Match(Handler handler, List<String> groups, boolean pathKnown) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router get(String template, Handler h) {
        return add("GET", template, h);
    }

    /** A paginated list: GET plus HEAD (the front strips the body and keeps only X-Result-Count). */
    Router list(String template, Handler h) {
        add("GET", template, h);
        return add("HEAD", template, h);
    }

    Router post(String template, Handler h) {
        return add("POST", template, h);
    }

    Router put(String template, Handler h) {
        return add("PUT", template, h);
    }

    Router patch(String template, Handler h) {
        return add("PATCH", template, h);
    }

    private Router add(String method, String template, Handler h) {
        String regex = Pattern.quote(template).replace("{uuid}", "\\E([^/]+)\\Q");
        routes.add(new Route(method, Pattern.compile(regex), h));
        return this;
    }

    Match find(String method, String path) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Matcher m = r.pattern.matcher(path);
            if (!m.matches()) {
                continue;
            }
            pathKnown = true;
            if (r.method.equals(method)) {
                List<String> groups = new ArrayList<>();
                for (int i = 1; i <= m.groupCount(); i++) {
                    groups.add(m.group(i));
                }
                return new Match(r.handler, groups, true);
            }
        }
        return new Match(null, List.of(), pathKnown);
    }
}
