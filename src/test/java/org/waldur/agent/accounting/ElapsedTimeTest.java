package org.waldur.agent.accounting;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ElapsedTimeTest {

    private static long micros(String elapsed) {
        char[] chars = elapsed.toCharArray();
        return ElapsedTime.micros(chars, 0, chars.length);
    }

    @ParameterizedTest(name = "{0} = {1} µs")
    @CsvSource({
            "00:00:00,        0",
            "05:07,           307000000",        // MM:SS
            "05:07.250,       307250000",        // MM:SS.mmm
            "01:02:03,        3723000000",       // HH:MM:SS
            "01:02:03.000001, 3723000001",       // HH:MM:SS.ffffff
            "01:02:03.5,      3723500000",
            "1-02:03:04,      93784000000",      // D-HH:MM:SS
            "2-05,            190800000000",     // D-HH
            "2-05:30,         192600000000",     // D-HH:MM
            "0-00:00:01,      1000000",
            "850:00:00,       3060000000000",    // hours above 24 without a day part
            "365-23:59:59,    31622399000000",
            "1-02:03:04.25,   93784250000",
    })
    void acceptsEveryFormSacctPrints(String elapsed, long expectedMicros) {
        assertEquals(expectedMicros, micros(elapsed));
    }

    @ParameterizedTest(name = "\"{0}\" is not a duration")
    @ValueSource(strings = {
            "", "INVALID", "UNLIMITED", "Partition_Limit", "garbage", "3600", "1-", "-1", "-01:00:00",
            "01:60:00", "01:00:60", "60:00", "1-24:00:00", "1-2-03:00", "01:02:03:04", "::", "01::03",
            "01:02:03.", "01:02:03.1234567", "01:02:03.5x", "2-05.5", "2-05:30.5", "1.5:00", " 01:02:03",
            "01:02:03 ", "0x10:00", "１:00:00", "99999999-00:00:00", "1000000000:00:00"
    })
    void rejectsAnythingElse(String elapsed) {
        assertEquals(ElapsedTime.INVALID, micros(elapsed));
    }
}
