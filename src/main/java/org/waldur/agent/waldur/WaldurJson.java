package org.waldur.agent.waldur;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.util.List;

/** The one JSON mapping for Waldur: snake_case fields, unknown fields ignored (the API grows between versions). */
public final class WaldurJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private WaldurJson() {
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Waldur sent a " + type.getSimpleName() + " that cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> List<T> readList(String json, Class<T> type) {
        JavaType t = MAPPER.getTypeFactory().constructCollectionType(List.class, type);
        try {
            return MAPPER.readValue(json, t);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Waldur sent a list of " + type.getSimpleName() + " that cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
