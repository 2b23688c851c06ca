package org.waldur.agent.auditor.collector;

/**
 * What an AUDITOR server's answer to {@code POST /record(s)} means for the records sent (auditor.md §2.6).
 * AUDITOR's own client treats every answer but {@code RECORD_EXISTS} as success and so deletes records the server
 * never stored (500 with the database down, 403, 413 …); here only a 2xx or {@code RECORD_EXISTS} delivers.
 */
public enum SendOutcome {
    /** 2xx: stored. */
    DELIVERED,
    /**
     * Body exactly {@code RECORD_EXISTS} (AUDITOR: 500), or a 2xx with a JSON {@code warning} (AUDITOR with
     * {@code ignore_record_exists_error: true}, which rolls a whole bulk back and still answers 200): the server has
     * the record; for a bulk, at least one of them, and maybe none of the others.
     */
    EXISTS,
    /** 5xx, 408, 429: the server cannot take it now; try again later. */
    RETRY,
    /** Any other 4xx (or a 3xx, 1xx): this record is refused as it is; dead-letter it. */
    REFUSED;

    public static final String RECORD_EXISTS = "RECORD_EXISTS";

    public static SendOutcome of(int status, String body) {
        if (RECORD_EXISTS.equals(body == null ? null : body.strip())) {
            return EXISTS;
        }
        if (status >= 200 && status < 300) {
            return body != null && body.contains("\"warning\"") ? EXISTS : DELIVERED;
        }
        if (status >= 500 || status == 408 || status == 429) {
            return RETRY;
        }
        return REFUSED;
    }
}
