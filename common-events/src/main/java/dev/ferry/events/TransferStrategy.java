package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How a snapshot's data travels to the DR region. */
public enum TransferStrategy {

    /** Grant a SAS, copy the whole written disk to a VHD page blob in region B, import it. */
    VHD_FULL("vhd-full"),
    /** Keep a replica page blob per disk in region B, copy only the ranges changed since the previous snapshot. */
    VHD_INCREMENTAL("vhd-incremental"),
    /** Azure's native incremental cross-region snapshot copy ({@code createOption=CopyStart}). */
    COPY_START("copy-start");

    private final String wireName;

    TransferStrategy(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static TransferStrategy fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown transfer strategy '" + name
                        + "', expected one of vhd-full, vhd-incremental, copy-start"));
    }
}
