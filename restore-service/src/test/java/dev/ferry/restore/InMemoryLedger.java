package dev.ferry.restore;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.events.json.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The restore ledger in memory, kept as the JSON the blob ledger writes, so that what a restarted service reads back is what was written. */
final class InMemoryLedger implements RestoreLedger {

    private static final ObjectMapper JSON = EventJson.mapper();
    private final Map<String, byte[]> documents = new ConcurrentHashMap<>();

    @Override
    public void save(RestoreRecord record) {
        try {
            documents.put(record.restoreId(), JSON.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<RestoreRecord> readAll() {
        List<RestoreRecord> records = new ArrayList<>();
        for (byte[] json : documents.values()) {
            try {
                records.add(JSON.readValue(json, RestoreRecord.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return records;
    }

    @Override
    public void delete(String restoreId) {
        documents.remove(restoreId);
    }

    RestoreRecord get(String restoreId) {
        return readAll().stream().filter(r -> r.restoreId().equals(restoreId)).findFirst().orElseThrow();
    }
}
