package org.waldur.agent.auditor.collector;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Sends the outbox to the AUDITOR server (routes/auditor-slurm-collector.camel.yaml, {@code auditor-collector-send}):
 * due records in batches as {@code POST /records}; a batch answered {@code RECORD_EXISTS} (or 200 with a warning)
 * or refused is sent again record by record ({@code POST /record}), because AUDITOR's bulk insert is all-or-nothing:
 * one duplicate in a batch would otherwise hide new records, one bad record would refuse its neighbours, and a
 * server without the bulk endpoint would refuse them all. The answers are judged
 * by {@link SendOutcome}. A pass stops at the first transient failure; the records wait their backoff.
 */
public final class CollectorSender {
    private static final Logger LOG = LoggerFactory.getLogger(CollectorSender.class);
    public static final String BATCH = "auditorBatch";
    public static final String ITEM = "auditorItem";
    private final Outbox outbox;
    private final CollectorStatus status;
    private final String serverUrl;
    private final int batchSize;
    private final Outbox.Backoff backoff;
    private final LongSupplier clockMs;
    /** One send pass at a time (a single timer thread): whether it should go on. */
    private volatile boolean more;
    private volatile boolean serverFailing;

    public CollectorSender(Outbox outbox, CollectorStatus status, String serverUrl, int batchSize,
                           Outbox.Backoff backoff, LongSupplier clockMs) {
        this.outbox = outbox;
        this.status = status;
        this.serverUrl = serverUrl;
        this.batchSize = batchSize;
        this.backoff = backoff;
        this.clockMs = clockMs;
    }

    public void beginPass() {
        more = true;
        serverFailing = false;
    }

    public boolean more() {
        return more && !serverFailing;
    }

    /** The next due batch as a JSON array body, or an empty body when nothing is due (the pass ends). */
    public void nextBatch(Exchange exchange) {
        List<Outbox.Pending> batch = outbox.due(batchSize, clockMs.getAsLong());
        exchange.setProperty(BATCH, batch);
        more = !batch.isEmpty();
        StringBuilder json = new StringBuilder("[");
        for (Outbox.Pending p : batch) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(p.json());
        }
        request(exchange.getMessage(), "/records", json.append(']').toString());
    }

    /** The records of a batch that must go one by one. */
    public List<Outbox.Pending> singles(@ExchangeProperty(BATCH) List<Outbox.Pending> batch) {
        return batch;
    }

    public void prepareSingle(Exchange exchange) {
        Outbox.Pending p = exchange.getMessage().getBody(Outbox.Pending.class);
        exchange.setProperty(ITEM, p);
        request(exchange.getMessage(), "/record", p.json());
    }

    /** @return true when the batch must be sent again record by record */
    public boolean settleBatch(Exchange exchange, @ExchangeProperty(BATCH) List<Outbox.Pending> batch) {
        int code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        SendOutcome o = SendOutcome.of(code, body);
        if (o == SendOutcome.DELIVERED || o == SendOutcome.RETRY) {
            settle(batch, o, code, body);
            return false;
        }
        // even for one record: a server without POST /records (404) must not dead-letter it
        LOG.debug("batch of {} answered {} {}: sending its records one by one", batch.size(), code, body);
        return true;
    }

    public void settleSingle(Exchange exchange, @ExchangeProperty(ITEM) Outbox.Pending item) {
        int code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        settle(List.of(item), SendOutcome.of(code, body), code, body);
    }

    /** No answer at all (connection refused, reset, timeout): the batch (or one record) waits its backoff. */
    public void unreachable(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Outbox.Pending item = exchange.getProperty(ITEM, Outbox.Pending.class);
        @SuppressWarnings("unchecked")
        List<Outbox.Pending> batch = item != null ? List.of(item) : exchange.getProperty(BATCH, List.class);
        String why = t == null ? "no answer" : t.getClass().getSimpleName() + ": " + t.getMessage();
        retry(batch, "AUDITOR server unreachable: " + why);
    }

    private void settle(List<Outbox.Pending> records, SendOutcome o, int code, String body) {
        List<String> ids = records.stream().map(Outbox.Pending::recordId).toList();
        switch (o) {
            case DELIVERED, EXISTS -> {
                outbox.delivered(ids, o == SendOutcome.EXISTS ? SendOutcome.RECORD_EXISTS : Integer.toString(code));
                status.delivered(ids.size());
            }
            case RETRY -> retry(records, "HTTP " + code + " " + abbreviate(body));
            case REFUSED -> {
                for (String id : ids) {
                    LOG.warn("record {} refused by the AUDITOR server (HTTP {}): {}; dead-lettered", id, code, abbreviate(body));
                    outbox.deadLetter(id, "refused", "HTTP " + code + " " + abbreviate(body));
                }
                status.deadLettered(ids.size());
            }
        }
    }

    private void retry(List<Outbox.Pending> records, String why) {
        serverFailing = true;
        status.sendFailed();
        int attempts = records.stream().mapToInt(Outbox.Pending::attempts).max().orElse(0) + 1;
        LOG.warn("{} record(s) kept for a retry in {} ms: {}", records.size(), backoff.delayMs(attempts), why);
        outbox.retryLater(records.stream().map(Outbox.Pending::recordId).toList(), why, clockMs.getAsLong(), backoff);
    }

    private void request(Message m, String path, String json) {
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_URI, serverUrl + path);
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(json);
    }

    private static String abbreviate(String body) {
        String b = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return b.length() > 300 ? b.substring(0, 300) + "…" : b;
    }
}
