package org.waldur.agent.auditor.server.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.auditor.record.Record;
import org.waldur.agent.auditor.server.metrics.DatabaseGauges;
import org.waldur.agent.auditor.server.query.BadQuery;
import org.waldur.agent.auditor.server.query.QueryParser;
import org.waldur.agent.auditor.server.query.RecordQuery;
import org.waldur.agent.auditor.server.store.RecordStore;
import org.waldur.agent.auditor.server.store.RecordStream;
import org.waldur.agent.auditor.server.validation.BadRecord;
import org.waldur.agent.auditor.server.validation.RecordBodies;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP face of the record server: what each AUDITOR endpoint answers (reference §2.1), status codes and
 * bodies byte for byte where AUDITOR's clients look at them — 500 + {@code RECORD_EXISTS} on a duplicate, 400
 * {@code Json deserialize error: …}, 404 {@code Updating unknown record <id> not possible.} — and better where
 * AUDITOR loses data (§7): a batch with duplicates keeps its new records and says how many were new.
 * Validation, queries and SQL live in their own packages; this class only maps them to HTTP.
 */
public final class AuditorHttp {
    static final String RECORD_EXISTS = "RECORD_EXISTS";
    static final String UNEXPECTED_ERROR = "UNEXPECTED_ERROR";
    /** Extension headers on POST /records: how many records of the batch were new, how many already stored. */
    static final String INSERTED = "Auditor-Inserted";
    static final String DUPLICATES = "Auditor-Duplicates";
    /** Extension header on a paged GET /records: the cursor of the next page. */
    static final String NEXT_CURSOR = "Auditor-Next-Cursor";

    private static final Logger LOG = LoggerFactory.getLogger(AuditorHttp.class);

    private final RecordStore store;
    private final boolean ignoreRecordExists;
    private final PrometheusMeterRegistry metrics;
    private final DatabaseGauges gauges;

    public AuditorHttp(RecordStore store, boolean ignoreRecordExists, PrometheusMeterRegistry metrics,
                       DatabaseGauges gauges) {
        this.store = store;
        this.ignoreRecordExists = ignoreRecordExists;
        this.metrics = metrics;
        this.gauges = gauges;
    }

    /** 200 with an empty body only when the store answers; 500 otherwise (AUDITOR: when a connection can be had). */
    public void healthCheck(Exchange ex) {
        reply(ex, store.healthy() ? 200 : 500, null, "");
    }

    public void addRecord(Exchange ex) throws SQLException {
        Record r = RecordBodies.one(jsonBody(ex));
        if (store.insert(List.of(r)) == 1) {
            reply(ex, 200, null, "");
        } else {
            LOG.warn("POST /record: {} is already stored", r.recordId());
            duplicate(ex, "Record already exists, but the error was ignored due to AUDITOR configuration.");
        }
    }

    /**
     * One statement for the whole batch; records already stored are skipped, the others stored. All new: 200 with
     * an empty body, as AUDITOR. Some new: 200 and {@code {"inserted":n,"duplicates":d}}. None new (and not
     * empty): 500 {@code RECORD_EXISTS}, which old clients read as "already delivered".
     */
    public void addRecords(Exchange ex) throws SQLException {
        List<Record> records = RecordBodies.many(jsonBody(ex));
        int inserted = store.insert(records);
        int duplicates = records.size() - inserted;
        if (duplicates > 0) {
            LOG.warn("POST /records: {} of {} records were already stored", duplicates, records.size());
        }
        if (duplicates == 0) {
            reply(ex, 200, null, "");
        } else if (inserted > 0) {
            reply(ex, 200, "application/json", "{\"inserted\":" + inserted + ",\"duplicates\":" + duplicates + "}");
        } else {
            duplicate(ex, "One or more records already exist, but the error was ignored due to AUDITOR configuration.");
        }
        ex.getMessage().setHeader(INSERTED, inserted);
        ex.getMessage().setHeader(DUPLICATES, duplicates);
    }

    public void updateRecord(Exchange ex) throws SQLException {
        RecordBodies.Update u = RecordBodies.update(jsonBody(ex));
        if (store.updateStopTime(u.recordId(), u.stopTime())) {
            reply(ex, 200, null, "");
        } else {
            reply(ex, 404, "text/plain; charset=utf-8", "Updating unknown record " + u.recordId() + " not possible.");
        }
    }

    /** AUDITOR answers an unknown id with 500 and a JSON error (not 404); its clients expect a non-2xx only. */
    public void getRecord(Exchange ex) throws SQLException {
        String id = ex.getMessage().getHeader("record_id", String.class);
        if (id == null || id.isBlank()) {
            reply(ex, 200, "application/json", "null");
            return;
        }
        Optional<byte[]> found = store.find(id);
        if (found.isPresent()) {
            byte[] json = found.get();
            // one record, no trailing newline: the single-record body is exactly one JSON value
            int n = json.length > 0 && json[json.length - 1] == '\n' ? json.length - 1 : json.length;
            reply(ex, 200, "application/json", new ByteArrayInputStream(json, 0, n).readAllBytes());
        } else {
            reply(ex, 500, "application/json", "{\"error\":\"A database error was encountered while trying to get "
                    + "a record from the database\"}");
        }
    }

    public void getRecords(Exchange ex) throws SQLException {
        RecordQuery q = QueryParser.parse(ex.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
        RecordStream stream = store.stream(q);
        if (ex.getMessage() instanceof HttpMessage http) {
            HttpServerResponse response = http.getResponse();
            // a client that hangs up frees the stream's connection at once, not after the whole result was read
            response.closeHandler(v -> stream.close());
            // the status line is out: a DB error can only break the transfer, never end it like a complete one
            stream.onDatabaseError(response::reset);
        }
        reply(ex, 200, "application/json", stream);
        if (stream.nextCursor() != null) {
            ex.getMessage().setHeader(NEXT_CURSOR, stream.nextCursor());
        }
    }

    /** Prometheus text: AUDITOR's DB gauges, the per-route HTTP exchange metrics and the JVM binders. */
    public void metrics(Exchange ex) {
        reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", gauges.prometheusText() + metrics.scrape());
    }

    /** The answer to an exception thrown by the methods above (called from the routes' onException). */
    public void failed(Exchange ex) {
        Exception e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (e instanceof BadRecord || e instanceof UnsupportedContentType) {
            reply(ex, 400, "text/plain; charset=utf-8", e.getMessage());
        } else if (e instanceof BadQuery) {
            reply(ex, 400, "application/json", "{\"error\":" + jsonString(e.getMessage()) + "}");
        } else {
            LOG.error("{} {}: {}", ex.getMessage().getHeader(Exchange.HTTP_METHOD),
                    ex.getMessage().getHeader(Exchange.HTTP_PATH), e == null ? "?" : e.toString());
            reply(ex, 500, "text/plain; charset=utf-8", UNEXPECTED_ERROR);
        }
    }

    private void duplicate(Exchange ex, String warning) {
        if (ignoreRecordExists) {
            reply(ex, 200, "application/json", "{\"warning\":" + jsonString(warning) + "}");
        } else {
            reply(ex, 500, "text/plain; charset=utf-8", RECORD_EXISTS);
        }
    }

    /** actix's JSON extractor: the body must be declared JSON, else 400 {@code Content type error}. */
    private static InputStream jsonBody(Exchange ex) {
        String type = ex.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        String mime = type == null ? "" : type.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mime.equals("application/json") && !mime.endsWith("+json")) {
            throw new UnsupportedContentType();
        }
        InputStream in = ex.getMessage().getBody(InputStream.class);
        return in == null ? InputStream.nullInputStream() : in;
    }

    static final class UnsupportedContentType extends RuntimeException {
        UnsupportedContentType() {
            super("Content type error");
        }
    }

    private static String jsonString(String s) {
        try {
            return org.waldur.agent.auditor.record.RecordJson.MAPPER.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets status, type and body, and drops the request's headers so that none is echoed in the response. */
    private static void reply(Exchange ex, int status, String contentType, Object body) {
        Message m = ex.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (contentType != null) {
            m.setHeader(Exchange.CONTENT_TYPE, contentType);
        }
        // bytes, not a String: the Vert.x writer sets Content-Length only for byte arrays (AUDITOR's health test
        // checks Content-Length: 0); a stream goes out chunked
        m.setBody(body instanceof String text ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8) : body);
    }
}
