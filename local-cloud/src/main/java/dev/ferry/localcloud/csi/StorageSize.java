package dev.ferry.localcloud.csi;

import java.math.BigDecimal;
import java.math.RoundingMode;

import io.fabric8.kubernetes.api.model.Quantity;

/** Byte counts as Kubernetes quantities and as the whole GiB that Azure disks come in. */
final class StorageSize {

    static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final long KIB = 1L << 10;

    private StorageSize() {
    }

    /** The bytes of a quantity such as {@code 1500Mi} or {@code 2G}, rounded up to a whole byte. */
    static long bytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The size of the disk the Azure disk driver makes for a request: whole GiB, at least one. */
    static long diskBytesFor(long requestedBytes) {
        long gib = Math.max(1, BigDecimal.valueOf(requestedBytes)
                .divide(BigDecimal.valueOf(GIB), 0, RoundingMode.CEILING).longValueExact());
        return gib * GIB;
    }

    /** A quantity in the binary suffix that states the size exactly, as the API server prints {@code 5Gi}. */
    static Quantity quantity(long bytes) {
        if (bytes > 0 && bytes % GIB == 0) {
            return new Quantity(bytes / GIB + "Gi");
        }
        if (bytes > 0 && bytes % MIB == 0) {
            return new Quantity(bytes / MIB + "Mi");
        }
        if (bytes > 0 && bytes % KIB == 0) {
            return new Quantity(bytes / KIB + "Ki");
        }
        return new Quantity(Long.toString(bytes));
    }
}
