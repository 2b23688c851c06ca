package org.waldur.agent.auditor.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.waldur.agent.auditor.record.RecordJson;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The keyset cursor of {@code GET /records?cursor=…} (our extension; AUDITOR has no paging): the sort column,
 * its direction and the last row's sort value and record_id, base64url-encoded JSON. Clients treat it as opaque.
 * A page ends at that row, the next one starts after it, so rows inserted meanwhile are neither lost nor repeated.
 *
 * @param value the last row's sort value as text (an RFC 3339 instant, a number or the record_id), null for a
 *              row whose sort column is NULL
 */
public record Cursor(String column, boolean descending, String value, String recordId) {
    /** {@code cursor=} with no value: page from the start. */
    public static final Cursor FIRST = new Cursor(null, false, null, null);

    public boolean isFirst() {
        return recordId == null;
    }

    public String encode() {
        ObjectNode o = RecordJson.MAPPER.createObjectNode();
        o.put("c", column).put("d", descending).put("v", value).put("r", recordId);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(o.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String text) {
        if (text.isEmpty()) {
            return FIRST;
        }
        try {
            JsonNode o = RecordJson.MAPPER.readTree(Base64.getUrlDecoder().decode(text));
            JsonNode v = o.get("v");
            return new Cursor(o.get("c").asText(), o.get("d").asBoolean(), v == null || v.isNull() ? null : v.asText(),
                    o.get("r").asText());
        } catch (Exception e) {
            throw new BadQuery("cursor: not a cursor this server handed out");
        }
    }
}
