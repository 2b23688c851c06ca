package org.waldur.agent.fake;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Waldur's LinkHeaderPagination and RestrictFieldsMixin: bare JSON array, {@code X-Result-Count}, absolute
 * {@code Link} header (first/last always, prev/next when present), {@code page}/{@code page_size} (clamped to 300),
 * out-of-range page = 404, and {@code field=} projection that ignores unknown names.
 */
final class Paging {
    static final int MAX_PAGE_SIZE = 300;

    private Paging() {
    }

    static ApiResponse list(ApiRequest req, List<Map<String, Object>> rows, int defaultSize) {
        int size = pageSize(req.first("page_size"), defaultSize);
        int count = rows.size();
        int pages = Math.max(1, (count + size - 1) / size);
        int page = pageNumber(req.first("page"), pages);
        List<Map<String, Object>> slice = new ArrayList<>();
        for (int i = (page - 1) * size; i < Math.min(count, page * size); i++) {
            slice.add(project(req, rows.get(i)));
        }
        List<String> links = new ArrayList<>();
        links.add("<" + link(req, 1) + ">; rel=\"first\"");
        if (page > 1) {
            links.add("<" + link(req, page - 1) + ">; rel=\"prev\"");
        }
        if (page < pages) {
            links.add("<" + link(req, page + 1) + ">; rel=\"next\"");
        }
        links.add("<" + link(req, pages) + ">; rel=\"last\"");
        return ApiResponse.ok(slice)
                .header("Link", String.join(", ", links))
                .header("X-Result-Count", Integer.toString(count));
    }

    /** DRF: non-integer or non-positive page_size falls back to the default; larger values are clamped. */
    static int pageSize(String raw, int defaultSize) {
        if (raw == null) {
            return defaultSize;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            return v <= 0 ? defaultSize : Math.min(v, MAX_PAGE_SIZE);
        } catch (NumberFormatException e) {
            return defaultSize;
        }
    }

    private static int pageNumber(String raw, int pages) {
        if (raw == null || raw.isEmpty()) {
            return 1;
        }
        if ("last".equals(raw)) {
            return pages;
        }
        try {
            int p = Integer.parseInt(raw.trim());
            if (p >= 1 && p <= pages) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the 404 below
        }
        throw ApiError.detail(404, "Invalid page.");
    }

    /**
     * Absolute URL of another page keeping every query parameter (repeated keys too). Like DRF's
     * replace_query_param the keys come out sorted.
     */
    static String link(ApiRequest req, int page) {
        Map<String, List<String>> withPage = new TreeMap<>(req.query);
        withPage.put("page", List.of(Integer.toString(page)));
        StringBuilder sb = new StringBuilder(req.origin).append(req.path);
        String sep = "?";
        for (Map.Entry<String, List<String>> e : withPage.entrySet()) {
            for (String v : e.getValue()) {
                sb.append(sep).append(enc(e.getKey())).append('=').append(enc(v));
                sep = "&";
            }
        }
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code field=a&field=b}: keep only known fields; unknown names ignored; none known = everything. */
    static Map<String, Object> project(ApiRequest req, Map<String, Object> row) {
        List<String> fields = req.all("field", false);
        if (fields.isEmpty()) {
            return row;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : row.entrySet()) {
            if (fields.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out.isEmpty() ? row : out;
    }
}
