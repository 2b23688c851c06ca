package org.waldur.agent.waldur;

import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waldur lists are bare JSON arrays with paging in the {@code Link} header ({@code <…?page=2>; rel="next"}). Like the
 * generated py-client, only the {@code page} number is taken from {@code rel="next"} and put on our own URL,
 * so a proxy that rewrites scheme or host in Link cannot redirect the agent. A page cap bounds the loop.
 */
public final class LinkPager {
    public static final int PAGE_SIZE = 100;
    static final int MAX_PAGES = 1000;
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern PAGE = Pattern.compile("[?&]page=(\\d+)");

    /** Before the first page: the query with our page size, an empty accumulator. */
    public void start(Exchange exchange) {
        String query = exchange.getMessage().getHeader(WaldurRequest.QUERY, "", String.class);
        // each request clears the message headers, so the pager keeps the path for every page
        exchange.setProperty("pagerPath", exchange.getMessage().getHeader(WaldurRequest.PATH, String.class));
        exchange.setProperty("pagerQuery", (query.isEmpty() ? "" : query + "&") + "page_size=" + PAGE_SIZE);
        exchange.setProperty("pagerItems", new ArrayList<String>());
        exchange.setProperty("pagerPage", 1);
        exchange.setProperty("pagerMore", true);
    }

    /** Headers for the current page's request. */
    public void request(Exchange exchange) {
        int page = exchange.getProperty("pagerPage", Integer.class);
        String q = exchange.getProperty("pagerQuery", String.class);
        exchange.getMessage().setHeader(WaldurRequest.PATH, exchange.getProperty("pagerPath", String.class));
        exchange.getMessage().setHeader(WaldurRequest.QUERY, page == 1 ? q : q + "&page=" + page);
    }

    /** After a page: keep its items (as JSON text of the array), decide whether another page follows. */
    @SuppressWarnings("unchecked")
    public void collect(Exchange exchange) {
        List<String> items = exchange.getProperty("pagerItems", List.class);
        items.add(exchange.getMessage().getBody(String.class));
        int page = exchange.getProperty("pagerPage", Integer.class);
        Integer next = nextPage(exchange.getMessage().getHeader("Link", String.class));
        boolean more = next != null && next > page && page < MAX_PAGES;
        exchange.setProperty("pagerMore", more);
        if (more) {
            exchange.setProperty("pagerPage", next);
        }
    }

    /** The pages joined into one JSON array text. */
    @SuppressWarnings("unchecked")
    public String result(Exchange exchange) {
        List<String> pages = exchange.getProperty("pagerItems", List.class);
        StringBuilder all = new StringBuilder("[");
        for (String page : pages) {
            String inner = page == null ? "" : page.trim();
            if (inner.startsWith("[") && inner.endsWith("]")) {
                inner = inner.substring(1, inner.length() - 1).trim();
            }
            if (!inner.isEmpty()) {
                if (all.length() > 1) {
                    all.append(',');
                }
                all.append(inner);
            }
        }
        return all.append(']').toString();
    }

    static Integer nextPage(String link) {
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        if (!m.find()) {
            return null;
        }
        Matcher p = PAGE.matcher(m.group(1));
        return p.find() ? Integer.valueOf(p.group(1)) : null;
    }
}
