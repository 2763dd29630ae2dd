package dev.ferry.export.transfer;

import java.util.Arrays;

/** The copy engines, by the names that configuration and events use. */
public enum CopyEngineKind {

    /** Put Page From URL per chunk: the storage service pulls the data from the SAS. */
    SERVER_SIDE("server-side"),
    /** The exporter reads each chunk from the SAS and writes it with Put Page. */
    STREAMING("streaming");

    private final String wireName;

    CopyEngineKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static CopyEngineKind fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown copy engine '" + name
                        + "', expected server-side or streaming"));
    }
}
