package org.waldur.agent.waldur;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Camel's redelivery waits what the policy computes unless the message carries {@link Exchange#REDELIVERY_DELAY}.
 * Run when a Waldur request fails (onExceptionOccurred in routes/waldur.camel.yaml), before that wait is
 * computed: a 429's {@code Retry-After} becomes the wait; any other failure clears it, back to the backoff.
 */
public final class WaldurRetryAfter implements Processor {
    @Override
    public void process(Exchange exchange) {
        Throwable t = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long wait = WaldurErrors.retryAfterMillis(t);
        if (wait != null) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait);
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
