package org.waldur.agent.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.waldur.WaldurErrors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Where events become work. Each offering's STOMP streams feed one queue; a single worker takes the first item,
 * waits the collection window so a burst arrives together, and runs ONE pass of the polling code per offering
 * and kind of work (direct:event-orders, direct:event-membership, direct:event-periodic-limits) narrowed to the objects the window's events
 * name (the union of their {@link EventScope}s; a catch-up or reconciliation in the window makes it the whole
 * offering) — at most the SLURM cost of a poll cycle, however many events. The messages of a pass are
 * acknowledged only after it succeeded; a failed pass is retried with backoff, its messages still unacknowledged
 * (a crash meanwhile: the broker redelivers them, and the passes are idempotent). Catch-up after each (re)connection and the periodic reconciliation are passes of the same queue, so nothing
 * runs the same offering twice at once.
 */
public final class EventHub extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger("org.waldur.agent.events");

    /** The routes a pass runs in (routes/event-process.camel.yaml, routes/periodic-limits.camel.yaml), started from
     *  here rather than from a route: App names them so that their files are loaded (RouteFiles). */
    public static final String ORDERS_PASS = "event-orders";
    public static final String MEMBERSHIP_PASS = "event-membership";
    public static final String PERIODIC_LIMITS_PASS = "event-periodic-limits";
    public static final List<String> PASS_ROUTES = List.of(ORDERS_PASS, MEMBERSHIP_PASS, PERIODIC_LIMITS_PASS);

    /** A unit of work: an event's delivery and what it names, or a catch-up/reconciliation pass (delivery null, WHOLE). */
    record Item(OfferingConfig offering, EventDecision.Work work, EventScope scope, EventType type,
                StompEventStream.Delivery delivery, long receivedNanos, String why) {
    }

    private final Duration window;
    private final StompEventStream.Settings streamSettings;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Map<String, List<StompEventStream>> streams = new ConcurrentHashMap<>();
    private final Backoff retryBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5),
            () -> ThreadLocalRandom.current().nextDouble());
    private final Map<String, Integer> failedPasses = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "event-retry"));
    private volatile CamelContext context;
    private volatile ProducerTemplate template;
    private volatile Thread worker;
    private volatile boolean busy;
    private MeterRegistry meters = Metrics.globalRegistry;

    public EventHub(Duration window, StompEventStream.Settings streamSettings) {
        this.window = window;
        this.streamSettings = streamSettings;
    }

    public boolean listening(Exchange e) {
        return streams.containsKey(e.getProperty("offering", OfferingConfig.class).uuid());
    }

    public boolean notListening(Exchange e) {
        return !listening(e);
    }

    /** Connected streams over all offerings (the health check and the gauge read it). */
    public int connectedStreams() {
        return (int) streams.values().stream().flatMap(List::stream).filter(StompEventStream::isConnected).count();
    }

    MeterRegistry meters() {
        return meters;
    }

    /** Nothing queued and no pass running (events still in flight on a connection are not seen here). */
    public boolean idle() {
        return queue.isEmpty() && !busy;
    }

    public int openStreams() {
        return streams.values().stream().mapToInt(List::size).sum();
    }

    /** After registration: one stream per subscription of the offering; each connection queues a catch-up pass. */
    public synchronized void open(Exchange e) {
        attach(e.getContext());
        OfferingConfig o = e.getProperty("offering", OfferingConfig.class);
        EventSetup.Registrations regs = e.getProperty("eventRegistrations", EventSetup.Registrations.class);
        if (streams.containsKey(o.uuid())) {
            return;
        }
        List<StompEventStream> opened = new ArrayList<>();
        for (EventSetup.Subscription s : regs.subscriptions) {
            StompEventStream.Target t = new StompEventStream.Target(o.events().webSocketUrl(o.apiUrl()), s.userUuid(),
                    s.uuid(), o.token(), o.verifySsl(), List.of(s.queue()));
            StompEventStream stream = new StompEventStream(t, streamSettings, new Listener(o, s.type()));
            opened.add(stream);
            stream.start();
        }
        streams.put(o.uuid(), opened);
        LOG.info("offering {}: listening for {} on {}", o.name(),
                regs.subscriptions.stream().map(s -> s.type().wire).toList(), o.events().webSocketUrl(o.apiUrl()));
    }

    /** The periodic reconciliation: one pass of each kind of work the offering's events drive. */
    public void reconcile(Exchange e) {
        OfferingConfig o = e.getProperty("offering", OfferingConfig.class);
        queuePasses(o, "reconciliation");
    }

    private void queuePasses(OfferingConfig o, String why) {
        long now = System.nanoTime();
        if (o.orderProcessingBackend() != null && !o.orderProcessingBackend().isBlank()) {
            queue.add(new Item(o, EventDecision.Work.ORDERS, EventScope.WHOLE, null, null, now, why));
        }
        if (o.membershipByEvents()) {
            queue.add(new Item(o, EventDecision.Work.MEMBERSHIP, EventScope.WHOLE, null, null, now, why));
        }
    }

    private final class Listener implements StompEventStream.Listener {
        private final OfferingConfig offering;
        private final EventType type;

        Listener(OfferingConfig offering, EventType type) {
            this.offering = offering;
            this.type = type;
        }

        @Override
        public void connected(StompEventStream stream) {
            // What Waldur published while nobody listened is in the queue, but what it published before the
            // queue existed, or what expired, is not: one pass catches up with Waldur's state.
            if (type == EventType.RESOURCE_PERIODIC_LIMITS) {
                return; // nothing to catch up with: Waldur keeps the computed settings only in its messages
            }
            long now = System.nanoTime();
            EventDecision.Work w = type == EventType.ORDER ? EventDecision.Work.ORDERS : EventDecision.Work.MEMBERSHIP;
            queue.add(new Item(offering, w, EventScope.WHOLE, null, null, now, "catch-up after connecting (" + type.wire + ")"));
        }

        @Override
        public void received(StompEventStream.Delivery d) {
            meters.counter("agent.events.received", "type", type.wire).increment();
            EventDecision decision = EventDecision.of(offering, type, d.body);
            if (decision.work() == EventDecision.Work.NONE) {
                LOG.info("event ignored: {} on {}: {}", decision.subject(), d.queue, decision.ignoredBecause());
                meters.counter("agent.events.ignored", "type", type.wire).increment();
                d.ack();
                return;
            }
            if (d.redelivered) { // rare: a connection or an agent was lost before the ACK; its pass runs again
                LOG.info("event redelivered: {} of offering {}", decision.subject(), offering.name());
            } else {
                LOG.debug("event: {} of offering {}", decision.subject(), offering.name());
            }
            queue.add(new Item(offering, decision.work(), decision.scope(), type, d, System.nanoTime(), decision.subject()));
        }
    }

    private synchronized void attach(CamelContext ctx) {
        if (context != null) {
            return;
        }
        context = ctx;
        MeterRegistry found = ctx.getRegistry().findSingleByType(MeterRegistry.class);
        if (found != null) {
            meters = found;
        }
        meters.gauge("agent.events.connected", this, EventHub::connectedStreams);
        HealthCheckRegistry health = HealthCheckRegistry.get(ctx);
        if (health != null) {
            health.register(new EventStreamsHealthCheck(this));
        }
        template = ctx.createProducerTemplate();
        try {
            ctx.addService(this, true, true); // stopped (streams closed) with the context
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        worker = daemon(this::work, "event-worker");
        worker.start();
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                List<Item> batch = new ArrayList<>();
                batch.add(queue.take());
                busy = true;
                Thread.sleep(window.toMillis()); // the collection window: a burst becomes one pass
                queue.drainTo(batch);
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("event worker: {}", e.toString(), e);
            } finally {
                busy = false;
            }
        }
    }

    private void runBatch(List<Item> batch) {
        Map<String, List<Item>> groups = new LinkedHashMap<>();
        for (Item i : batch) {
            groups.computeIfAbsent(i.offering().uuid() + "/" + i.work(), k -> new ArrayList<>()).add(i);
        }
        for (List<Item> group : groups.values()) {
            runPass(group);
        }
    }

    private void runPass(List<Item> group) {
        Item first = group.get(0);
        String key = first.offering().uuid() + "/" + first.work();
        String route = switch (first.work()) {
            case ORDERS -> "direct:" + ORDERS_PASS;
            case PERIODIC_LIMITS -> "direct:" + PERIODIC_LIMITS_PASS;
            default -> "direct:" + MEMBERSHIP_PASS;
        };
        List<String> bodies = group.stream().filter(i -> i.delivery() != null).map(i -> i.delivery().body).toList();
        long events = group.stream().filter(i -> i.delivery() != null).count();
        EventScope scope = group.stream().map(Item::scope).reduce(EventScope::merge).orElse(EventScope.WHOLE);
        LOG.info("offering {}: {} pass for {} event(s){}{}", first.offering().name(), first.work().name().toLowerCase(),
                events, events < group.size() ? " + " + group.get(group.size() - 1).why() : "",
                first.work() == EventDecision.Work.PERIODIC_LIMITS ? "" : ": " + scope);
        Exchange result = template.send(route, ex -> {
            ex.setProperty("offering", first.offering());
            ex.setProperty("periodicMessages", bodies); // the messages themselves, for a periodic-limits pass
            if (!scope.whole()) { // absent: the poll cycle's pass, as polling runs it
                ex.setProperty("eventScope", scope);
            }
        });
        if (result.getException() == null) {
            failedPasses.remove(key);
            for (Item i : group) {
                if (i.delivery() != null) {
                    i.delivery().ack();
                    meters.counter("agent.events.processed", "type", i.type().wire).increment();
                    Timer.builder("agent.events.latency").description("event received → its pass done and acknowledged")
                            .tag("type", i.type().wire).register(meters)
                            .record(System.nanoTime() - i.receivedNanos(), TimeUnit.NANOSECONDS);
                }
            }
            return;
        }
        Duration delay = retryBackoff.delay(failedPasses.merge(key, 1, Integer::sum) - 1);
        for (Item i : group) {
            if (i.delivery() != null) {
                meters.counter("agent.events.failed", "type", i.type().wire).increment();
            }
        }
        LOG.warn("offering {}: {} pass failed ({}); {} event(s) stay unacknowledged, retry in {} s",
                first.offering().name(), first.work().name().toLowerCase(), WaldurErrors.describe(result.getException()),
                events, delay.toSeconds());
        retries.schedule(() -> queue.addAll(group), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    protected void doStop() {
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
        retries.shutdownNow();
        streams.values().forEach(list -> list.forEach(StompEventStream::close));
        streams.clear();
    }
}
